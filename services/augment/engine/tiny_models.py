"""Build tiny, random-weight translation models of each kind the engine uses, fully offline.

They translate nonsense. They exist so the whole path (tokenizer files, Auto-class loading,
`generate`, caching, entity handling) runs without a model hub: in tests, CI and offline demos.
"""

import io
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sentencepiece as spm
import torch
from transformers import (
    M2M100Config,
    M2M100ForConditionalGeneration,
    M2M100Tokenizer,
    MarianConfig,
    MarianMTModel,
    MarianTokenizer,
)

MARIAN_SPECIALS = ("</s>", "<unk>")  # ids 0 and 1, as in opus-mt; <pad> comes last
M2M_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")


@dataclass(frozen=True)
class TinyShape:
    d_model: int = 32
    layers: int = 2
    heads: int = 2
    ffn: int = 64
    vocab_size: int | None = None  # pad the embedding to this size (e.g. opus-mt's 65,001)
    max_positions: int = 512
    spm_vocab: int = 800

    def config_kwargs(self) -> dict[str, Any]:
        """The sizes Marian and M2M100 configs share (encoder and decoder alike)."""
        return {
            "d_model": self.d_model,
            "encoder_layers": self.layers,
            "decoder_layers": self.layers,
            "encoder_attention_heads": self.heads,
            "decoder_attention_heads": self.heads,
            "encoder_ffn_dim": self.ffn,
            "decoder_ffn_dim": self.ffn,
            "max_position_embeddings": self.max_positions,
        }


def train_sentencepiece(texts: Iterable[str], vocab_size: int) -> bytes:
    """A unigram SentencePiece model trained on `texts`, as bytes."""
    texts = list(texts)
    # Every character must fit: Korean text alone has well over a thousand distinct syllables.
    distinct_chars = len(set("".join(texts)))
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=model,
        vocab_size=max(vocab_size, int(distinct_chars * 1.3) + 16),
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        # Unknown ids come from the JSON vocab; keep SentencePiece's own specials out of it.
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(spm_bytes: bytes) -> list[str]:
    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size()) if i != processor.unk_id()]


def build_marian(out_dir: Path, texts: Sequence[str], shape: TinyShape = TinyShape(), seed: int = 0) -> Path:
    """A MarianMTModel with an opus-mt style tokenizer (source.spm, target.spm, vocab.json)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    spm_bytes = train_sentencepiece(texts, shape.spm_vocab)
    tokens = [*MARIAN_SPECIALS, *_pieces(spm_bytes)]
    # Fill up to the requested size, so every id a model can emit decodes (opus-mt: 65,001 ids).
    tokens += [f"<unused_{i}>" for i in range((shape.vocab_size or 0) - len(tokens) - 1)]
    vocab = {token: i for i, token in enumerate(tokens)}
    vocab["<pad>"] = len(vocab)  # last, as in opus-mt
    with tempfile.TemporaryDirectory() as scratch:
        spm_path = Path(scratch) / "tiny.spm"
        spm_path.write_bytes(spm_bytes)
        (Path(scratch) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
        tokenizer = MarianTokenizer(str(spm_path), str(spm_path), str(Path(scratch) / "vocab.json"))
        tokenizer.save_pretrained(out_dir)
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=max(len(vocab), shape.vocab_size or 0),
        **shape.config_kwargs(),
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
    )
    torch.manual_seed(seed)
    MarianMTModel(config).save_pretrained(out_dir)
    return out_dir


M2M_LANGUAGES = 100  # language tokens M2M100 tokenizers append after the SentencePiece vocabulary


def build_m2m100(out_dir: Path, texts: Sequence[str], shape: TinyShape = TinyShape(), seed: int = 0) -> Path:
    """An M2M100-shaped model with its multilingual tokenizer (language tokens __ko__, __ja__, ...)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    spm_bytes = train_sentencepiece(texts, shape.spm_vocab)
    tokens = [*M2M_SPECIALS, *_pieces(spm_bytes)]
    # Fill up to the requested size (M2M100-418M: 128,112 ids, 100 language ids and 8 madeup words
    # included), so the output layer costs what the real one does.
    tokens += [f"<unused_{i}>" for i in range((shape.vocab_size or 0) - M2M_LANGUAGES - 8 - len(tokens))]
    vocab = {token: i for i, token in enumerate(tokens)}
    with tempfile.TemporaryDirectory() as scratch:
        spm_path = Path(scratch) / "sentencepiece.bpe.model"
        spm_path.write_bytes(spm_bytes)
        vocab_path = Path(scratch) / "vocab.json"
        vocab_path.write_text(json.dumps(vocab, ensure_ascii=False))
        tokenizer = M2M100Tokenizer(str(vocab_path), str(spm_path))
        tokenizer.save_pretrained(out_dir)
    config = M2M100Config(
        # Language ids sit after the SentencePiece vocab, followed by 8 "madeup" words.
        vocab_size=max(len(tokenizer), max(tokenizer.lang_token_to_id.values()) + 1) + 8,
        **shape.config_kwargs(),
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
    )
    torch.manual_seed(seed)
    M2M100ForConditionalGeneration(config).save_pretrained(out_dir)
    return out_dir


# Where `build_all` puts each direction: one multilingual model serves both ko↔ja directions, as
# in production.
TINY_FOLDERS = {
    "ko_en": "marian-ko-en",
    "en_ko": "marian-en-ko",
    "ko_ja": "m2m100-ko-ja",
    "ja_ko": "m2m100-ko-ja",
}


def build_all(out_dir: Path, texts: Sequence[str], shape: TinyShape = TinyShape()) -> dict[str, Path]:
    """One model per direction, and the settings that point the engine at them."""
    paths = {
        "ko_en": build_marian(out_dir / TINY_FOLDERS["ko_en"], texts, shape, seed=1),
        "en_ko": build_marian(out_dir / TINY_FOLDERS["en_ko"], texts, shape, seed=2),
        "ko_ja": build_m2m100(out_dir / TINY_FOLDERS["ko_ja"], texts, shape, seed=3),
    }
    paths["ja_ko"] = paths["ko_ja"]
    return paths


def settings_snippet(paths: dict[str, Path]) -> str:
    lines = ["# Tiny random-weight models: they translate nonsense; for offline runs and tests only."]
    lines += [f"ROUNDTRIP_MODEL_{name.upper()}={path.resolve()}" for name, path in paths.items()]
    lines.append("ROUNDTRIP_OFFLINE=true")
    return "\n".join(lines) + "\n"
