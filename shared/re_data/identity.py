"""When two KLUE-RE rows are one input: the same sentence (whitespace folded) and the same two
entity mentions. The data report counts such rows as duplicates; the test estimate's interval
draws one label for all copies of one."""

from shared.re_data.schema import REExample
from shared.re_data.text import normalise_sentence

PairKey = tuple[str, str, int, str, int]


def pair_key(example: REExample) -> PairKey:
    s, o = example.subject_entity, example.object_entity
    return (normalise_sentence(example.sentence), s.word, s.start_idx, o.word, o.start_idx)
