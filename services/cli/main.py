"""`roundtrip`: the command line. Each service adds its own commands."""

import typer

from services.cli.augment import augment_command, models_app
from services.cli.keys import keys_app
from services.cli.report import report_app
from services.cli.train import predict_command, train_command

app = typer.Typer(help="Back-translation augmentation and KLUE-RE experiments.", no_args_is_help=True)
app.command("augment")(augment_command)
app.add_typer(models_app, name="models")
app.add_typer(keys_app, name="keys")
app.add_typer(report_app, name="report")
app.command("train", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    train_command
)
app.command("predict")(predict_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
