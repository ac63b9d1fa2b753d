#pragma once

#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>

#include "imsa/clock.h"
#include "imsa/ssocredentialsource.h"

namespace imsa::test {

/// An in-memory SsoCredentialSource. Sessions are signed out until signIn(); a signed-in session
/// gets role credentials lasting `grantSeconds` from the clock's now, a signed-out one
/// SignInNeeded, as the real source answers once a token has ended. Answers come from the event
/// loop, never from inside the call.
class FakeSsoSource final : public SsoCredentialSource
{
public:
    explicit FakeSsoSource(Clock &clock)
        : m_clock(clock)
    { }

    void signIn(const QString &tokenCacheKey) { m_signedIn.insert(tokenCacheKey); }

    void signOut(const QString &tokenCacheKey) { m_signedIn.remove(tokenCacheKey); }

    /// The next call fails with `error`, signed in or not.
    void failNext(const StsError &error) { m_failures.append(error); }

    void setGrantSeconds(int seconds) { m_grantSeconds = seconds; }

    /// Settings of every call, in order.
    const QList<SsoSettings> &calls() const { return m_calls; }

    int queuedCount() const { return m_queued; }

    void roleCredentials(const SsoSettings &settings, QObject *context,
                         std::function<void(StsResult<AwsCredentials>)> done) override
    {
        m_calls.append(settings);
        StsResult<AwsCredentials> result = answerFor(settings);
        ++m_queued;
        QTimer::singleShot(0, context, [this, done = std::move(done), result]() {
            --m_queued;
            done(result);
        });
    }

private:
    StsResult<AwsCredentials> answerFor(const SsoSettings &settings)
    {
        if (!m_failures.isEmpty())
            return m_failures.takeFirst();
        if (!m_signedIn.contains(settings.tokenCacheKey()))
            return StsError{StsErrorCode::SignInNeeded, {}, QStringLiteral("no sign-in"), 0};
        const QString serial = QString::number(++m_issued).rightJustified(16, QLatin1Char('0'));
        return AwsCredentials{QStringLiteral("ASIASSO") + serial.right(13),
                              QStringLiteral("sso-secret-") + serial,
                              QStringLiteral("sso-token-") + serial,
                              m_clock.now().addSecs(m_grantSeconds)};
    }

    Clock &m_clock;
    QSet<QString> m_signedIn;
    QList<StsError> m_failures;
    QList<SsoSettings> m_calls;
    int m_grantSeconds = 3600;
    int m_queued = 0;
    int m_issued = 0;
};

} // namespace imsa::test
