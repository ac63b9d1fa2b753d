#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>
#include <QString>

#include "imsa/profile.h"
#include "imsa/ssoapi.h"

namespace imsa {
class Clock;
class SsoSignIn;
} // namespace imsa

namespace imsa::app {

/// The IAM Identity Center sign-ins in progress, at most one per session (token cache key): a
/// second `imsa login` or a tray click for the same session joins the running sign-in and its
/// code instead of starting another. Each sign-in deletes itself when it ends.
class SsoSignIns final : public QObject
{
    Q_OBJECT

public:
    SsoSignIns(SsoApi &api, Clock &clock, QString cacheDirectory,
               const QProcessEnvironment &environment, QObject *parent = nullptr);

    /// The running sign-in of `settings`' session, or a new one, started. Connect to it before
    /// the event loop runs again; SsoSignIn::authorization() gives the code to a late joiner.
    SsoSignIn *signIn(const SsoSettings &settings);

Q_SIGNALS:
    /// A session has a fresh token in the cache: its profiles can get credentials again.
    void signedIn(const QString &tokenCacheKey);

private:
    SsoApi &m_api;
    Clock &m_clock;
    QString m_cacheDirectory;
    QProcessEnvironment m_environment;
    QHash<QString, QPointer<SsoSignIn>> m_running;
};

} // namespace imsa::app
