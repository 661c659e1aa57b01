from core.models.accounts import Membership, Role, User
from core.models.organisations import Organisation, PluginSetting
from core.models.runtime import WorkerHeartbeat
from core.models.spaces import Component, Phase, Space

__all__ = [
    "Component",
    "Membership",
    "Organisation",
    "Phase",
    "PluginSetting",
    "Role",
    "Space",
    "User",
    "WorkerHeartbeat",
]
