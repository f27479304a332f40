"""How small a test can be and still get a predicted score: the test's label mix is estimated from
its own rows (EM over 30 labels), and on a handful of rows that estimate is noise (one row made it
all one label and the prediction 100). Light on purpose: the API checks it before queueing."""

MIN_TEST_ROWS = 100


class TooFewTestRows(ValueError):
    """A test file or dataset with fewer than MIN_TEST_ROWS rows."""


def require_estimable(rows: int, source: str) -> None:
    if rows < MIN_TEST_ROWS:
        raise TooFewTestRows(
            f"{source}: {rows} row(s); a predicted test score needs at least {MIN_TEST_ROWS} "
            "(the test's label mix is estimated from its own rows, and on fewer it is noise)"
        )
