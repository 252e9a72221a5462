"""One exception hierarchy for the workbench (统一异常).

Notebooks, dashboards and the CLI catch :class:`WorkbenchError` and show its
message; every message names the file, row and field where it can and says
what to do, in Chinese first with English beside it.
"""


class WorkbenchError(Exception):
    """Base class: anything the user can act on."""


class ConfigError(WorkbenchError):
    """The campaign configuration (专项行动配置) is missing or wrong."""


class KeyMissingError(ConfigError):
    """The tokenization key (令牌密钥) cannot be found."""


class ContractError(WorkbenchError):
    """A submission does not match the data contract (数据规范)."""


class IngestError(WorkbenchError):
    """A file could not be loaded into the warehouse (入库失败)."""


class RuleError(WorkbenchError):
    """A screening rule (筛查规则) is malformed or failed to run."""


class PackageError(WorkbenchError):
    """A delivery package (报送包) is incomplete or was altered."""
