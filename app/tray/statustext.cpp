#include "statustext.h"

#include <QDir>

namespace imsa::tray {

QString StatusText::duration(const QDateTime &now, const QDateTime &until)
{
    const qint64 minutes = std::max<qint64>(0, (now.secsTo(until) + 59) / 60);
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    return tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

QString StatusText::seconds(int value)
{
    if (value % 3600 == 0)
        return tr("%1 h").arg(value / 3600);
    if (value % 60 == 0)
        return tr("%1 min").arg(value / 60);
    return tr("%1 s").arg(value);
}

QString StatusText::path(const QString &file)
{
    const QString home = QDir::homePath();
    if (file.startsWith(home + QLatin1Char('/')))
        return QStringLiteral("~") + file.mid(home.size());
    return file;
}

QString StatusText::profileLabel(const Profile &profile)
{
    if (!profile.hasRole())
        return profile.name;
    return tr("%1 (role %2)").arg(profile.name, profile.roleName());
}

QString StatusText::error(const StsError &error, const Profile &profile)
{
    switch (error.code) {
    case StsErrorCode::WrongMfaCode:
        return tr("AWS did not accept the MFA code: %1").arg(error.message);
    case StsErrorCode::AccessDenied:
        return tr("Access denied: %1").arg(error.message);
    case StsErrorCode::InvalidKeys:
        return tr("The access key of %1 is not valid: %2").arg(profile.keyProfile, error.message);
    case StsErrorCode::SignatureMismatch:
        return tr("The secret key of %1 does not match its access key.").arg(profile.keyProfile);
    case StsErrorCode::ClockSkew:
        return tr("This computer's clock is off, so AWS refused the request: %1")
                .arg(error.message);
    case StsErrorCode::ExpiredToken:
        return tr("The MFA session has expired.");
    case StsErrorCode::Network:
    case StsErrorCode::Timeout:
        return tr("Cannot reach AWS STS: %1").arg(error.message);
    case StsErrorCode::Throttled:
    case StsErrorCode::ServerError:
        return tr("AWS STS is busy or failing, imsa keeps trying: %1").arg(error.message);
    case StsErrorCode::InvalidRequest:
    case StsErrorCode::MalformedResponse:
    case StsErrorCode::Other:
        break;
    }
    return error.message.isEmpty() ? tr("The STS call failed (%1).").arg(error.awsCode)
                                   : error.message;
}

} // namespace imsa::tray
