from pydantic_settings import SettingsConfigDict
from together_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIGNUPS_")

    service_name: str = "signups"
    port: int = 8001
