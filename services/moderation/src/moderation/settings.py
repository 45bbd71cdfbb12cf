from pydantic_settings import SettingsConfigDict
from together_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MODERATION_")

    service_name: str = "moderation"
    port: int = 8002
