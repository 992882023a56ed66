"""Drives the emulator's Action Center with UiPath's official Python SDK (PyPI `uipath`):
creates a task through GenericTasks/CreateTask (`tasks.create_quickform`), reads it back
by key (`tasks.retrieve`, GetTaskDataByKey); with a key as its argument, only reads that
task (after the test completed it as a person in Action Center would). Prints one JSON
object with what the SDK saw; tests/clients/clients.test.js checks it against the
emulator's records.

Environment: UIPATH_URL ({origin}/{org}/{tenant}), UIPATH_ACCESS_TOKEN.
"""

import json
import os
import sys

from uipath.platform import UiPath


def main() -> None:
    sdk = UiPath(base_url=os.environ["UIPATH_URL"], secret=os.environ["UIPATH_ACCESS_TOKEN"])
    t = sdk.tasks
    if len(sys.argv) > 1:
        done = t.retrieve(sys.argv[1], app_folder_path="Shared")
        json.dump({"done": {"status": done.status, "action": done.action, "data": done.data}}, sys.stdout)
        return
    created = t.create_quickform(
        "Approve the payment?",
        "d0000000-0000-4000-8000-000000000001",
        {"fields": [{"id": "decision", "type": "text"}]},
        {"question": "Approve the payment?", "decision": None},
        folder_path="Shared",
        priority="High",
    )
    read = t.retrieve(created.key, app_folder_path="Shared")
    json.dump({"created": {"id": created.id, "key": created.key, "status": created.status, "type": created.type}, "read": {"id": read.id, "status": read.status, "data": read.data, "title": read.title}}, sys.stdout)

if __name__ == "__main__":
    main()
