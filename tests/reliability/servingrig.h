#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include "e2eenvironment.h"
#include "rawhttp.h"

namespace imsa::test {

/// What the credentials route served, reduced to what the reliability tests check.
struct ServedCredentials
{
    int status = 0;
    QString accessKeyId;
    QDateTime expiration;
};

/// The e2e environment with the app started and profile `dev` assumed (one MFA code), plus
/// the requests the reliability tests repeat.
class ServingRig
{
public:
    /// Starts the stand-in STS with `stsArguments`, the app, and assumes `dev`; check error().
    bool start(const QStringList &stsArguments = {});
    /// Starts the app again (after a kill) without assuming anything.
    bool restartApp();

    E2eEnvironment &environment() { return m_env; }

    quint16 port() const { return endpointPort(m_env.endpoint()); }

    QString error() const { return m_error; }

    /// The credentials route of the role that `dev` assumes.
    QByteArray credentialsTarget() const;
    ServedCredentials fetchCredentials(int timeoutMs = 5000) const;
    /// `imsa status --json`, parsed.
    QJsonObject status() const;
    /// Sends one control command (e.g. "renew") over the app's socket; false without a reply.
    bool control(const QString &command) const;
    int stsCount(const QString &action) const;

private:
    E2eEnvironment m_env;
    QString m_error;
};

} // namespace imsa::test
