#include "stserrortext.h"

namespace imsa::app {

QString stsErrorText(const StsError &error, const Profile &profile)
{
    switch (error.code) {
    case StsErrorCode::WrongMfaCode:
        return QStringLiteral("wrong MFA code for %1").arg(profile.mfaSerial);
    case StsErrorCode::AccessDenied:
        return QStringLiteral("access denied for profile '%1': %2")
                .arg(profile.name, error.message);
    case StsErrorCode::InvalidKeys:
        return QStringLiteral(
                       "the access key of profile '%1' is not valid (deleted or mistyped?): %2")
                .arg(profile.keyProfile, error.message);
    case StsErrorCode::SignatureMismatch:
        return QStringLiteral("the secret key of profile '%1' does not match its access key")
                .arg(profile.keyProfile);
    case StsErrorCode::ClockSkew:
        return QStringLiteral("this computer's clock is off; AWS refused the request: %1")
                .arg(error.message);
    case StsErrorCode::ExpiredToken:
        return QStringLiteral("the MFA session of profile '%1' has expired").arg(profile.name);
    case StsErrorCode::Network:
    case StsErrorCode::Timeout:
        return QStringLiteral("cannot reach AWS STS: %1").arg(error.message);
    default:
        return error.message.isEmpty() ? QStringLiteral("STS call failed (%1)").arg(error.awsCode)
                                       : error.message;
    }
}

} // namespace imsa::app
