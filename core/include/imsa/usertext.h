#pragma once

#include <algorithm>

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

#include "imsa/profile.h"
#include "imsa/ssoapi.h"
#include "imsa/stserror.h"

// The sentences about STS errors and times that the service, the CLI and the tray all show: one
// wording per fact, whoever shows it. The sources are marked for Qt Linguist in the context
// "StatusText" (the tray's own words about profiles share it), so the tray's catalogues in
// translations/ hold them; app/tray/CMakeLists.txt lists this header for lupdate.
namespace imsa {

/// Whose language a text is in. The tray installs translators for the user's language; the
/// service runs inside the tray's process but answers the CLI, which speaks English, so it asks
/// for English explicitly instead of relying on no translator being installed.
enum class TextLanguage {
    English,
    User
};

namespace detail {

inline QString userText(TextLanguage language, const char *source)
{
    return language == TextLanguage::User ? QCoreApplication::translate("StatusText", source)
                                          : QString::fromUtf8(source);
}

} // namespace detail

/// One sentence a user can act on, e.g. "Cannot reach AWS STS: Connection refused". Every code
/// is listed without a default, so -Wswitch asks for the wording of a new StsErrorCode.
inline QString stsErrorText(const StsError &error, const Profile &profile, TextLanguage language)
{
    const auto text = [language](const char *source) {
        return detail::userText(language, source);
    };
    // STS's own words where it gave some, else its error code: an Other error has no better ones.
    const QString detail = error.message.isEmpty() ? error.awsCode : error.message;
    switch (error.code) {
    case StsErrorCode::WrongMfaCode:
        return text(QT_TRANSLATE_NOOP("StatusText", "AWS did not accept the MFA code: %1"))
                .arg(detail);
    case StsErrorCode::AccessDenied:
        return text(QT_TRANSLATE_NOOP("StatusText", "Access denied: %1")).arg(detail);
    case StsErrorCode::InvalidKeys:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "The access key of profile '%1' is not valid: %2"))
                .arg(profile.keyProfile, detail);
    case StsErrorCode::SignatureMismatch:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "The secret key of profile '%1' does not match its access "
                                      "key."))
                .arg(profile.keyProfile);
    case StsErrorCode::ClockSkew:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "This computer's clock is off, so AWS refused the request: "
                                      "%1"))
                .arg(detail);
    case StsErrorCode::ExpiredToken:
        return text(QT_TRANSLATE_NOOP("StatusText", "The MFA session of profile '%1' has expired."))
                .arg(profile.name);
    case StsErrorCode::InvalidRequest:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "The STS request of profile '%1' is not valid: %2"))
                .arg(profile.name, detail);
    case StsErrorCode::Throttled:
    case StsErrorCode::ServerError:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "AWS STS is busy or failing, imsa keeps trying: %1"))
                .arg(detail);
    case StsErrorCode::Network:
    case StsErrorCode::Timeout:
        return text(QT_TRANSLATE_NOOP("StatusText", "Cannot reach AWS STS: %1")).arg(detail);
    case StsErrorCode::MalformedResponse:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "The STS endpoint sent an answer imsa cannot read: %1"))
                .arg(detail);
    case StsErrorCode::SignInNeeded:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "Profile '%1' needs an IAM Identity Center sign-in: run "
                                      "imsa login %1"))
                .arg(profile.name);
    case StsErrorCode::Other:
        break;
    }
    return text(QT_TRANSLATE_NOOP("StatusText", "The STS call of profile '%1' failed: %2"))
            .arg(profile.name, detail);
}

/// Why an IAM Identity Center sign-in for `profile` ended without a token, and what to do.
inline QString ssoSignInErrorText(const SsoError &error, const QString &profile,
                                  TextLanguage language)
{
    const auto text = [language](const char *source) {
        return detail::userText(language, source);
    };
    const QString detail = error.message.isEmpty() ? error.awsCode : error.message;
    switch (error.code) {
    case SsoErrorCode::ExpiredToken:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "The sign-in code for profile '%1' expired before it was "
                                      "approved; sign in again."))
                .arg(profile);
    case SsoErrorCode::AccessDenied:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "The sign-in for profile '%1' was denied or cancelled."))
                .arg(profile);
    case SsoErrorCode::InvalidRequest:
    case SsoErrorCode::NotFound:
    case SsoErrorCode::Forbidden:
        return text(QT_TRANSLATE_NOOP("StatusText",
                                      "IAM Identity Center did not accept the sign-in for "
                                      "profile '%1' (check sso_start_url and sso_region): %2"))
                .arg(profile, detail);
    case SsoErrorCode::Network:
    case SsoErrorCode::Timeout:
        return text(QT_TRANSLATE_NOOP("StatusText", "Cannot reach IAM Identity Center: %1"))
                .arg(detail);
    case SsoErrorCode::Throttled:
    case SsoErrorCode::ServerError:
    case SsoErrorCode::MalformedResponse:
        return text(QT_TRANSLATE_NOOP("StatusText", "IAM Identity Center is busy or failing: %1"))
                .arg(detail);
    case SsoErrorCode::InvalidClient:
    case SsoErrorCode::InvalidGrant:
    case SsoErrorCode::Unauthorized:
    case SsoErrorCode::AuthorizationPending:
    case SsoErrorCode::SlowDown:
    case SsoErrorCode::Other:
        break;
    }
    return text(QT_TRANSLATE_NOOP("StatusText", "The sign-in for profile '%1' failed: %2"))
            .arg(profile, detail);
}

/// Time left until `until`: "3 h 12 min", "42 min". Minutes are rounded up, so "1 min" is the
/// last thing shown before "0 min".
inline QString countdownText(const QDateTime &now, const QDateTime &until, TextLanguage language)
{
    const qint64 minutes = std::max<qint64>(0, (now.secsTo(until) + 59) / 60);
    if (minutes < 60)
        return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "%1 min")).arg(minutes);
    return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "%1 h %2 min"))
            .arg(minutes / 60)
            .arg(minutes % 60);
}

/// "3 h 12 min left", "42 min left", or "expired" once `until` has come.
inline QString remainingText(const QDateTime &now, const QDateTime &until, TextLanguage language)
{
    if (now.secsTo(until) <= 0)
        return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "expired"));
    return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "%1 left"))
            .arg(countdownText(now, until, language));
}

/// A configured duration, exact and in its largest whole unit: "12 h", "90 min", "3601 s".
inline QString configuredDurationText(int seconds, TextLanguage language)
{
    if (seconds % 3600 == 0)
        return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "%1 h"))
                .arg(seconds / 3600);
    if (seconds % 60 == 0)
        return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "%1 min"))
                .arg(seconds / 60);
    return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "%1 s")).arg(seconds);
}

/// The title of the notice that the active MFA session ends soon (the tray's and the desktop's).
inline QString sessionEndingSoonTitle(TextLanguage language)
{
    return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "MFA session ends soon"));
}

/// The title of the notice that the active MFA session has ended.
inline QString sessionEndedTitle(TextLanguage language)
{
    return detail::userText(language, QT_TRANSLATE_NOOP("StatusText", "MFA session ended"));
}

} // namespace imsa
