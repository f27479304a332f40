"""`roundtrip`: the command line. Each domain adds its own commands.

Every option of more than one word answers to both spellings, `--database-url` and
`--database_url` (`roundtrip train`'s HfArgumentParser takes both too), so one spelling works
across every command."""

from typing import Any

import typer
import typer.main

from services.cli.augment import augment_command, models_app
from services.cli.demo import demo_command
from services.cli.export import export_command
from services.cli.keys import keys_app
from services.cli.report import report_app
from services.cli.train import predict_command, train_command

app = typer.Typer(help="Back-translation augmentation and KLUE-RE experiments.", no_args_is_help=True)
app.command("augment")(augment_command)
app.command("demo")(demo_command)
app.command("export")(export_command)
app.add_typer(models_app, name="models")
app.add_typer(keys_app, name="keys")
app.add_typer(report_app, name="report")
app.command("train", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    train_command
)
app.command("predict")(predict_command)


def with_both_spellings(command: Any) -> Any:
    """Adds `--multi_word` beside every `--multi-word` option, in every subcommand (typer's own
    click command objects, read by their attributes)."""
    for param in command.params:
        if param.param_type_name == "option":
            for names in (param.opts, param.secondary_opts):
                for name in list(names):
                    alias = "--" + name[2:].replace("-", "_")
                    if name.startswith("--") and alias not in names:
                        names.append(alias)
    if hasattr(command, "commands"):
        for subcommand in command.commands.values():
            with_both_spellings(subcommand)
    return command


cli = with_both_spellings(typer.main.get_command(app))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
