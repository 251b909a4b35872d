"""On the embedded default (SQLite), two requests that read a row and then write it, as
issuing a summary does from two tabs (its row locked, then written), wait their turn: the
second must not fail with "database is locked" (a 500) while the first holds the row."""

import textwrap

from tests.config.commands import manage

SCRIPT = textwrap.dedent(
    """
    import threading, time
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE draft (id INTEGER PRIMARY KEY, issued INTEGER)")
        cursor.execute("INSERT INTO draft VALUES (1, 0)")
    outcomes = []

    def issue(pause):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT issued FROM draft WHERE id = 1")
                    issued = cursor.fetchone()[0]
                    time.sleep(pause)
                    if issued:
                        outcomes.append("already issued")
                    else:
                        cursor.execute("UPDATE draft SET issued = 1 WHERE id = 1")
                        outcomes.append("issued")
        except Exception as error:
            outcomes.append(type(error).__name__ + ": " + str(error))
        finally:
            connection.close()

    first = threading.Thread(target=issue, args=(0.5,))
    first.start()
    time.sleep(0.1)
    second = threading.Thread(target=issue, args=(0,))
    second.start()
    first.join()
    second.join()
    print(sorted(outcomes))
    """
)


def test_two_issues_of_one_draft_at_once_wait_their_turn_on_sqlite(tmp_path):
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = manage("shell", "-v", "0", "-c", SCRIPT, env=env)
    assert result.stdout.strip() == "['already issued', 'issued']", result.stdout + result.stderr
