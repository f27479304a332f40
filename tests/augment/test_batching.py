from services.augment.engine.translators.batching import plan_batches


def test_identical_sources_are_planned_once_and_order_can_be_restored() -> None:
    texts = ["a", "bb", "a", "ccc", "bb"]
    plan = plan_batches(texts, [1, 2, 1, 3, 2], max_tokens=100, max_batch_size=8)
    assert sorted(plan.unique_texts) == ["a", "bb", "ccc"]
    assert [plan.unique_texts[i] for i in plan.index_of] == texts
    assert sorted(i for batch in plan.batches for i in batch) == [0, 1, 2]


def test_batches_respect_the_token_budget_and_size_and_group_similar_lengths() -> None:
    lengths = [5, 50, 6, 48, 7, 49, 5, 51]
    texts = [f"t{i}" for i in range(len(lengths))]
    plan = plan_batches(texts, lengths, max_tokens=110, max_batch_size=3)
    for batch in plan.batches:
        longest = max(lengths[i] for i in batch)
        assert len(batch) <= 3
        assert len(batch) * longest <= 110 or len(batch) == 1
    long_batch = {i for i in plan.batches[0]}
    assert long_batch <= {1, 3, 5, 7}  # the long sentences travel together
