"""The API process never imports torch or transformers: every module it may use is checked."""

import pkgutil
import subprocess
import sys

import services
import shared

# Modules that exist to run models; only workers and the in-process CLI import them.
HEAVY = {
    "services.augment.engine.translators.hf",
    "services.augment.engine.translators.ct2",
    "services.augment.engine.tiny_models",
    "services.train.transformer",
}


def light_modules() -> list[str]:
    names = []
    for package in (shared, services):
        for module in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
            if module.name not in HEAVY:
                names.append(module.name)
    return names


def test_light_modules_do_not_import_torch_or_transformers() -> None:
    modules = light_modules()
    assert {
        "services.augment.engine.augmenter",
        "services.api.routes.trainings",
        "services.train.run_re",
    } <= set(modules)
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentencepiece') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
