"""The quality loop state machine, built from the very ASL file the local runtime executes."""

from __future__ import annotations

import re
from pathlib import Path

from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.config import FUNCTION_SPECS, ImagegateConfig
from infra.constructs.functions import ServiceFunctions
from infra.constructs.state_machines import checked_substitutions, logged_traced_state_machine
from infra.constructs.storage import Storage

_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def substitution_names(asl_file: Path) -> list[str]:
    """The `${Name}` DefinitionSubstitutions the ASL file uses, in order of first use."""
    return list(dict.fromkeys(_SUBSTITUTION.findall(asl_file.read_text(encoding="utf-8"))))


class QualityLoop(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: ImagegateConfig,
        asl_file: Path,
        functions: ServiceFunctions,
        storage: Storage,
    ) -> None:
        super().__init__(scope, construct_id)
        available = {spec.substitution: functions.by_name[spec.name].function_arn for spec in FUNCTION_SPECS}
        available |= {"BucketName": storage.bucket.bucket_name, "TableName": storage.table.table_name}
        substitutions = checked_substitutions(asl_file.name, substitution_names(asl_file), available)

        self.log_group, self.state_machine = logged_traced_state_machine(
            self,
            config=config,
            log_name="quality-loop",
            definition_body=sfn.DefinitionBody.from_file(str(asl_file)),
            definition_substitutions=substitutions,
            invoked_functions=functions.by_name.values(),
            invoke_sid="InvokeLoopFunctions",
        )
