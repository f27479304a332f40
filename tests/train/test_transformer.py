"""The transformer family through the real Trainer with a tiny BERT built locally."""

from pathlib import Path

import numpy as np
import pytest
from factories import tiny_examples

from services.train.markers import mark
from services.train.transformer import TransformerOptions, build_tiny_bert, make_trainer, predict_proba


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bert(
        tmp_path_factory.mktemp("bert"), [mark(e) for e in tiny_examples()] * 20, vocab_size=400
    )


@pytest.mark.parametrize("static", [False, True])
def test_trains_and_predicts_all_thirty_labels(tiny_bert: Path, tmp_path: Path, static: bool) -> None:
    rows = tiny_examples()
    options = TransformerOptions(
        model_name_or_path=str(tiny_bert), output_dir=str(tmp_path), max_steps=3, batch_size=4,
        pad_to_max_length=static, max_length=64, use_cpu=True, learning_rate=1e-3,
    )  # fmt: skip
    trainer = make_trainer(rows, rows[:4], options)
    result = trainer.train()
    assert result.global_step == 3 and np.isfinite(result.training_loss)
    probabilities = predict_proba(trainer, rows[:5], options)
    assert probabilities.shape == (5, 30) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)


def test_marked_sentences_keep_the_type_tokens(tiny_bert: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    tokens = tokenizer.tokenize(mark(tiny_examples()[0]))
    assert tokens[:4] == ["@", "*", "PER", "*"]


def test_special_markers_class_weights_and_evaluation_history(tiny_bert: Path, tmp_path: Path) -> None:
    from services.train.markers import special_marker_tokens

    rows = tiny_examples()
    evaluations: list[dict] = []  # type: ignore[type-arg]
    options = TransformerOptions(
        model_name_or_path=str(tiny_bert), output_dir=str(tmp_path), epochs=2, batch_size=8, max_length=64,
        use_cpu=True, marker_style="special", class_weights=[1.0] * 29 + [3.0],
    )  # fmt: skip
    trainer = make_trainer(rows, rows[:6], options, report=evaluations.append)
    trainer.train()
    assert "<S:PER>" in trainer.processing_class.get_vocab()
    assert trainer.model.get_input_embeddings().num_embeddings >= len(trainer.processing_class)
    first = trainer.processing_class.tokenize(mark(rows[0], "special"))[0]
    assert first == "<S:PER>" and first in special_marker_tokens()
    assert [round(e["epoch"]) for e in evaluations] == [
        1,
        2,
    ]  # one evaluation per epoch, reported as it happens
    assert {"eval_micro_f1", "eval_auprc"} <= set(evaluations[0])
