#include "ssosignins.h"

#include "imsa/ssosignin.h"

namespace imsa::app {

SsoSignIns::SsoSignIns(SsoApi &api, Clock &clock, QString cacheDirectory,
                       const QProcessEnvironment &environment, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_clock(clock)
    , m_cacheDirectory(std::move(cacheDirectory))
    , m_environment(environment)
{ }

SsoSignIn *SsoSignIns::signIn(const SsoSettings &settings)
{
    const QString key = settings.tokenCacheKey();
    if (SsoSignIn *running = m_running.value(key))
        return running;
    auto *signIn = new SsoSignIn(m_api, m_clock, m_cacheDirectory, m_environment, settings, this);
    m_running.insert(key, signIn);
    connect(signIn, &SsoSignIn::succeeded, this, [this, key, signIn] {
        m_running.remove(key);
        signIn->deleteLater();
        Q_EMIT signedIn(key);
    });
    connect(signIn, &SsoSignIn::failed, this, [this, key, signIn] {
        m_running.remove(key);
        signIn->deleteLater();
    });
    // Started from the event loop, so that the caller connects first even when the start
    // fails at once (a bad region).
    QMetaObject::invokeMethod(signIn, &SsoSignIn::start, Qt::QueuedConnection);
    return signIn;
}

} // namespace imsa::app
