"""The README's deployment guide agrees with the code: the systemd units start the
documented commands, there is one beat, and every environment variable the settings read
is documented."""

import re

from tests.deploy import readme


def test_the_systemd_units_start_the_documented_commands():
    in_install_dir = [
        [arg.replace(".venv/bin/", f"{readme.INSTALL_DIR}/.venv/bin/") for arg in argv]
        for argv in readme.documented_commands().values()
    ]
    assert sorted(readme.systemd_exec_starts()) == sorted(in_install_dir)


def test_exactly_one_beat_and_no_beat_inside_the_worker():
    # Two beats would send every periodic task twice (reminders, the outbox flush).
    assert sum("beat" in argv for argv in readme.systemd_exec_starts()) == 1
    worker = readme.documented_commands()["worker"]
    assert not {"beat", "-B", "--beat"} & set(worker)


def test_every_environment_variable_of_the_settings_is_documented():
    settings_source = (readme.ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_source))
    documented = readme.README.read_text(encoding="utf-8")
    assert len(read) > 15  # the pattern still finds the settings' reads
    assert sorted(name for name in read if f"`{name}`" not in documented and
                  f"{name}=" not in documented) == []  # fmt: skip


def test_the_documented_commands_are_found():
    commands = readme.documented_commands()
    assert commands["web"][:2] == [".venv/bin/gunicorn", "config.wsgi"]
    assert "127.0.0.1:8000" in commands["web"]
    assert commands["worker"][:4] == [".venv/bin/celery", "-A", "config", "worker"]
    assert commands["beat"][:4] == [".venv/bin/celery", "-A", "config", "beat"]
