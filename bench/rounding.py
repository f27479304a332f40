"""How far does the predicted test score move when the model's probabilities move by float rounding?

Another CPU rounds differently (other BLAS kernels), and the figures of bench/gap.py then differ a
little from one machine to the next. This takes one of bench/gap.py's pseudo-tests, the submitted
model's own fold (as --folds 1), and estimates it again with the probabilities multiplied by
1 + EPSILON·N(0, 1), one draw per line: the spread is what a reader of bench/gap.py's figures should
allow for across machines.

    python bench/rounding.py [--family label] [--seed 3801] [--epsilon 1e-9] [--draws 2] [--cache DIR]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gap  # noqa: E402

from services.train.covariates import TrainingEntities  # noqa: E402
from services.train.test_estimate import prepare_test  # noqa: E402
from shared.re_data.io import read_examples  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=gap.DEFAULT_DATA)
    parser.add_argument("--family", choices=gap.FAMILIES, default="label")
    parser.add_argument("--seed", type=int, default=gap.QUICK[0])
    parser.add_argument("--epsilon", type=float, default=1e-9)
    parser.add_argument("--draws", type=int, default=2)
    parser.add_argument("--cache", type=Path, help="bench/gap.py's --cache (else the model is trained)")
    args = parser.parse_args()

    gap.CACHE = args.cache
    rest, test = gap.pseudo_test(read_examples(args.data), args.family, args.seed)
    ((parts, validation, tested),) = gap.trained(rest, test, "entity_cluster", args.seed, args.family)
    with threadpool_limits(1):  # as bench/gap.py runs each pseudo-test
        for draw in range(args.draws + 1):
            epsilon = 0.0 if draw == 0 else args.epsilon
            noise = np.random.default_rng(draw)
            prepared = prepare_test(
                training_gold=gap.gold_of(parts.train),
                training_entities=TrainingEntities.of(parts.train),
                validation_rows=parts.validation,
                validation_gold=gap.gold_of(parts.validation),
                validation_probabilities=validation * (1 + epsilon * noise.standard_normal(validation.shape)),
                validation_groups=np.array(parts.validation_groups),
                test_rows=test,
                test_probabilities=[tested * (1 + epsilon * noise.standard_normal(tested.shape))],
                seed=args.seed,
            )
            estimate = prepared.finish(prepared.best_threshold)
            score = estimate.predicted_test_micro_f1
            print(
                f"relative noise {epsilon:g}: predicted {score.estimate:.3f} "
                f"[{score.low:.3f}, {score.high:.3f}] (t={estimate.test_threshold})",
                flush=True,
            )


if __name__ == "__main__":
    main()
