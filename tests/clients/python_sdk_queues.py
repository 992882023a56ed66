"""Drives the emulator's queues with UiPath's official Python SDK (PyPI `uipath`), as a
performer and its dispatcher would: add an item, list the queue's items, take the next
one as a transaction, report progress, complete it; then an application exception.
Prints one JSON object with what the SDK saw; tests/clients/clients.test.js checks it
against the emulator's records.

Environment: UIPATH_URL ({origin}/{org}/{tenant}), UIPATH_ACCESS_TOKEN, and
UIPATH_ROBOT_KEY (the performer's robot key, which StartTransaction sends).
"""

import json
import os
import sys

from uipath.platform import UiPath


def main() -> None:
    sdk = UiPath(base_url=os.environ["UIPATH_URL"], secret=os.environ["UIPATH_ACCESS_TOKEN"])
    q = sdk.queues
    out = {}
    added = q.create_item(
        {"Name": "Invoices", "SpecificContent": {"invoice": "INV-PY-1", "amount": 12.5}, "Reference": "py-1", "Priority": "High"},
        folder_path="Shared",
    )
    out["added"] = added.json() if hasattr(added, "json") else added
    listed = q.list_items(queue_name="Invoices", folder_path="Shared")
    out["listed"] = listed.json() if hasattr(listed, "json") else listed
    taken = q.create_transaction_item({"Name": "Invoices"}, folder_path="Shared")
    out["taken"] = taken.json() if hasattr(taken, "json") else taken
    key = out["taken"]["Id"]
    q.update_progress_of_transaction_item(key, "halfway", folder_path="Shared")
    q.complete_transaction_item(key, {"IsSuccessful": True, "Output": {"paid": True}}, folder_path="Shared")
    q.create_item({"Name": "Invoices", "SpecificContent": {"invoice": "INV-PY-2"}, "Reference": "py-2"}, folder_path="Shared")
    second = q.create_transaction_item({"Name": "Invoices"}, folder_path="Shared")
    second = second.json() if hasattr(second, "json") else second
    q.complete_transaction_item(
        second["Id"],
        {"IsSuccessful": False, "ProcessingException": {"Reason": "Portal down", "Type": "ApplicationException"}},
        folder_path="Shared",
    )
    out["failedId"] = second["Id"]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
