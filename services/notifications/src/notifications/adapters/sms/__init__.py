"""SMS providers behind `domain.texts.SmsProvider`: GOV.UK Notify (`notify`), Twilio (`twilio`),
chosen by NOTIFICATIONS_SMS_PROVIDER; the local sink of make run and the tests speaks both."""

from notifications.adapters.sms.notify import NotifyConfig, NotifyProvider
from notifications.adapters.sms.twilio import TwilioConfig, TwilioProvider
from notifications.domain.texts import SmsProvider
from notifications.settings import Settings


def build_provider(settings: Settings) -> SmsProvider | None:
    """The provider the settings choose; None when texts are off ("none")."""
    if settings.sms_provider == "notify":
        return NotifyProvider(
            NotifyConfig(
                api_key=settings.notify_api_key.get_secret_value(),
                template_id=settings.notify_template_id,
                callback_token=settings.notify_callback_token.get_secret_value(),
                base_url=settings.sms_api(),
                sender_id=settings.sms_from or None,
            )
        )
    if settings.sms_provider == "twilio":
        return TwilioProvider(
            TwilioConfig(
                account_sid=settings.twilio_account_sid,
                auth_token=settings.twilio_auth_token.get_secret_value(),
                sender=settings.sms_from,
                receipts_url=f"{settings.public_base_url.rstrip('/')}/sms/receipts",
                base_url=settings.sms_api(),
            )
        )
    return None
