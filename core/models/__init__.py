from core.models.accounts import Membership, Role, User
from core.models.organisations import Organisation, PluginSetting
from core.models.privacy import DataExport, ErasureRecord
from core.models.runtime import WorkerHeartbeat
from core.models.spaces import Component, Phase, Space

__all__ = [
    "Component",
    "DataExport",
    "ErasureRecord",
    "Membership",
    "Organisation",
    "Phase",
    "PluginSetting",
    "Role",
    "Space",
    "User",
    "WorkerHeartbeat",
]
