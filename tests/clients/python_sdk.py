"""Drives the Orchestrator emulator with UiPath's official Python SDK (PyPI `uipath`),
as a new user would: start a process by name, read the job by key, find a folder's key,
read with the folder key, stop the job. Prints one JSON object with what the SDK saw;
tests/clients/sdk.test.js checks it against the emulator's records.

Environment: UIPATH_URL ({origin}/{org}/{tenant}) and UIPATH_ACCESS_TOKEN.
"""

import json
import os
import sys

from uipath.platform import UiPath


def main() -> None:
    sdk = UiPath(base_url=os.environ["UIPATH_URL"], secret=os.environ["UIPATH_ACCESS_TOKEN"])
    out = {}
    job = sdk.processes.invoke(
        name="InvoiceBot_Shared_v2",
        input_arguments={"invoice": "INV-0042"},
        folder_path="Shared",
    )
    out["started"] = {"key": job.key, "state": job.state, "id": job.id}
    read = sdk.jobs.retrieve(job.key, folder_path="Shared")
    out["read"] = {"key": read.key, "state": read.state, "id": read.id}
    folder_key = sdk.folders.retrieve_key(folder_path="Finance/Invoices")
    out["folderKey"] = folder_key
    shared_key = sdk.folders.retrieve_key(folder_path="Shared")
    by_folder_key = sdk.jobs.retrieve(job.key, folder_key=shared_key)
    out["readByFolderKey"] = {"key": by_folder_key.key}
    sdk.jobs.stop(job_keys=[job.key], strategy="Kill", folder_path="Shared")
    after = sdk.jobs.retrieve(job.key, folder_path="Shared")
    out["afterStop"] = {"state": after.state}
    try:
        sdk.jobs.retrieve("0f8fad5b-d9cb-469f-a165-70867728950e", folder_path="Shared")
        out["missing"] = "found"
    except Exception as err:  # the SDK's own error type for a 404
        out["missing"] = type(err).__name__ + ": " + str(err)[:200]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
