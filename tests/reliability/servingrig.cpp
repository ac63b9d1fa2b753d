#include "servingrig.h"

#include <QJsonDocument>
#include <QLocalSocket>

#include "imsa/ipcmessage.h"

using namespace Qt::StringLiterals;

namespace imsa::test {

bool ServingRig::start(const QStringList &stsArguments)
{
    m_env.writeDefaultConfig();
    if (!m_env.startSts(stsArguments) || !m_env.startApp()) {
        m_error = m_env.error();
        return false;
    }
    const CommandResult assumed = m_env.imsa(
            {u"assume"_s, u"dev"_s, u"--mfa-code"_s, QString::fromLatin1(E2eEnvironment::mfaCode)});
    if (assumed.exitCode != 0) {
        m_error = u"assume dev: "_s + assumed.out + assumed.err;
        return false;
    }
    return true;
}

bool ServingRig::restartApp()
{
    if (!m_env.startApp()) {
        m_error = m_env.error();
        return false;
    }
    return true;
}

QByteArray ServingRig::credentialsTarget() const
{
    // writeDefaultConfig's dev assumes arn:aws:iam::111111111111:role/Developer.
    return "/latest/meta-data/iam/security-credentials/Developer";
}

ServedCredentials ServingRig::fetchCredentials(int timeoutMs) const
{
    const RawReply reply = rawGet(port(), credentialsTarget(), timeoutMs);
    ServedCredentials served;
    served.status = reply.status;
    const QJsonObject json = reply.json();
    served.accessKeyId = json.value(u"AccessKeyId").toString();
    served.expiration = QDateTime::fromString(json.value(u"Expiration").toString(), Qt::ISODate);
    return served;
}

QJsonObject ServingRig::status() const
{
    return QJsonDocument::fromJson(m_env.imsa({u"status"_s, u"--json"_s}).out.toUtf8()).object();
}

bool ServingRig::control(const QString &command) const
{
    QLocalSocket socket;
    socket.connectToServer(m_env.path(u"run/control.sock"_s));
    if (!socket.waitForConnected(2000))
        return false;
    socket.write(ipc::serializeRequest({u"reliability"_s, command, {}}));
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(5000))
            return false;
    }
    const auto reply = ipc::parseResponse(socket.readLine().trimmed());
    return reply && reply->kind == ipc::Response::Kind::Reply && reply->ok;
}

int ServingRig::stsCount(const QString &action) const
{
    return m_env.stsCallCounts().value(action).toInt();
}

} // namespace imsa::test
