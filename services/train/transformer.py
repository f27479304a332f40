"""The transformer family: fine-tune a sequence classifier on marked sentences with HF `Trainer`.

Dynamic padding by default (each batch padded to its own longest row); fp16/bf16 and the device
come from the arguments; `report_to` is always explicit."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    EvalPrediction,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    default_data_collator,
)

from services.train.markers import mark, special_marker_tokens
from services.train.metrics import compute
from shared.re_data.labels import label_to_id, labels
from shared.re_data.schema import REExample


@dataclass
class TransformerOptions:
    model_name_or_path: str = "klue/roberta-small"
    output_dir: str = "artifacts/run"
    max_length: int = 256
    pad_to_max_length: bool = False  # True pads every batch to max_length (slower; for comparison)
    group_by_length: bool = True  # batches of similar lengths, so dynamic padding pads little
    batch_size: int = 32
    learning_rate: float = 5e-5
    epochs: float = 3.0
    max_steps: int = -1
    seed: int = 42
    fp16: bool = False
    bf16: bool = False
    use_cpu: bool = False
    report_to: str = "none"  # none, tensorboard, mlflow or wandb
    marker_style: str = "punct"  # punct (KLUE paper) or special (added tokens)
    class_weights: list[float] | None = None  # one per label, in label order
    evaluate_each_epoch: bool = True  # with validation rows: evaluate, keep the best checkpoint


class EncodedRows(torch.utils.data.Dataset[dict[str, Any]]):
    def __init__(self, features: list[dict[str, Any]]):
        self.features = features

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.features[index]


def encode(examples: Sequence[REExample], tokenizer: Any, options: TransformerOptions) -> EncodedRows:
    if not examples:
        return EncodedRows([])
    padding = "max_length" if options.pad_to_max_length else False
    encoded = tokenizer(
        [mark(e, options.marker_style) for e in examples],
        truncation=True,
        max_length=options.max_length,
        padding=padding,
    )
    features = []
    for index, example in enumerate(examples):
        row = {key: values[index] for key, values in encoded.items()}
        if example.label is not None:
            row["labels"] = label_to_id()[example.label]
        features.append(row)
    return EncodedRows(features)


class WeightedTrainer(Trainer):
    """Cross-entropy with per-label weights (imbalance: rare relations count more)."""

    def __init__(self, *args: Any, class_weights: list[float], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.class_weights = torch.tensor(class_weights, dtype=torch.float32)

    def compute_loss(
        self, model: Any, inputs: dict[str, Any], return_outputs: bool = False, num_items_in_batch: Any = None
    ) -> Any:
        labels_ = inputs.pop("labels")
        outputs = model(**inputs)
        weights = self.class_weights.to(outputs.logits.device)
        loss = torch.nn.functional.cross_entropy(outputs.logits.float(), labels_, weight=weights)
        return (loss, outputs) if return_outputs else loss


class MetricsReporter(TrainerCallback):
    """Hands every evaluation's metrics to `report` (the run record's history)."""

    def __init__(self, report: Callable[[dict[str, Any]], None]):
        self.report = report

    def on_evaluate(
        self, args: Any, state: Any, control: Any, metrics: dict[str, float] | None = None, **kwargs: Any
    ) -> None:
        self.report({"step": state.global_step, "epoch": state.epoch} | dict(metrics or {}))


def klue_metrics(prediction: EvalPrediction) -> dict[str, float]:
    logits = np.asarray(
        prediction.predictions[0] if isinstance(prediction.predictions, tuple) else prediction.predictions
    )
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return compute(np.asarray(prediction.label_ids), probabilities).summary()


def make_trainer(
    train: Sequence[REExample],
    validation: Sequence[REExample],
    options: TransformerOptions,
    report: Callable[[dict[str, Any]], None] | None = None,
) -> Trainer:
    tokenizer = AutoTokenizer.from_pretrained(options.model_name_or_path)
    model = AutoModelForSequenceClassification.from_pretrained(
        options.model_name_or_path,
        num_labels=len(labels()),
        id2label=dict(enumerate(labels())),
        label2id=label_to_id(),
        ignore_mismatched_sizes=True,
    )
    if options.marker_style == "special" and tokenizer.add_tokens(
        special_marker_tokens(), special_tokens=True
    ):
        model.resize_token_embeddings(len(tokenizer))
    evaluate = bool(validation) and options.evaluate_each_epoch
    arguments = TrainingArguments(
        output_dir=options.output_dir,
        per_device_train_batch_size=options.batch_size,
        per_device_eval_batch_size=options.batch_size,
        learning_rate=options.learning_rate,
        num_train_epochs=options.epochs,
        max_steps=options.max_steps,
        seed=options.seed,
        data_seed=options.seed,
        fp16=options.fp16,
        bf16=options.bf16,
        use_cpu=options.use_cpu,
        eval_strategy="epoch" if evaluate else "no",
        save_strategy="epoch" if evaluate else "no",
        load_best_model_at_end=evaluate,
        metric_for_best_model="micro_f1" if evaluate else None,
        save_total_limit=1 if evaluate else None,
        logging_strategy="no",
        report_to=[] if options.report_to == "none" else [options.report_to],
        disable_tqdm=True,
        # transformers v5: length-grouped batches are a sampling strategy
        train_sampling_strategy="group_by_length"
        if options.group_by_length and not options.pad_to_max_length
        else "random",
    )
    collator = default_data_collator if options.pad_to_max_length else DataCollatorWithPadding(tokenizer)
    extra: dict[str, Any] = {"class_weights": options.class_weights} if options.class_weights else {}
    trainer_class = WeightedTrainer if options.class_weights else Trainer
    return trainer_class(
        model=model,
        args=arguments,
        data_collator=collator,
        train_dataset=encode(train, tokenizer, options) if train else None,
        eval_dataset=encode(validation, tokenizer, options) if validation else None,
        processing_class=tokenizer,
        compute_metrics=klue_metrics if evaluate else None,
        callbacks=[MetricsReporter(report)] if report else None,
        **extra,
    )


def predict_proba(trainer: Trainer, examples: Sequence[REExample], options: TransformerOptions) -> np.ndarray:
    tokenizer = trainer.processing_class
    predictions = trainer.predict(encode(examples, tokenizer, options)).predictions
    logits = np.asarray(predictions[0] if isinstance(predictions, tuple) else predictions)
    logits = logits - logits.max(axis=1, keepdims=True)
    probabilities: np.ndarray = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return probabilities


def build_tiny_bert(
    out_dir: Path, texts: Sequence[str], vocab_size: int = 3000, hidden: int = 64, layers: int = 2
) -> Path:
    """A tiny random BERT with a WordPiece tokenizer trained on `texts` (tests and benchmarks)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    wordpiece = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    wordpiece.normalizer = normalizers.NFC()
    wordpiece.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    wordpiece.train_from_iterator(
        [mark_text for mark_text in texts],
        trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials),
    )
    from tokenizers.processors import TemplateProcessing

    wordpiece.post_processor = TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", wordpiece.token_to_id("[CLS]")), ("[SEP]", wordpiece.token_to_id("[SEP]"))],
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=wordpiece, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]", model_max_length=512,
    )  # fmt: skip
    tokenizer.save_pretrained(out_dir)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=2,
        intermediate_size=hidden * 4, max_position_embeddings=512,
    )  # fmt: skip
    config.num_labels = len(labels())
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(out_dir)
    return out_dir
