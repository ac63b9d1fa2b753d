#include "e2eenvironment.h"

#include <signal.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>

namespace imsa::test {

QString imsaBinary()
{
    return qEnvironmentVariable("IMSA_BINARY");
}

QString standInStsBinary()
{
    return qEnvironmentVariable("IMSA_STANDIN_STS");
}

E2eEnvironment::E2eEnvironment()
    : m_root(std::make_unique<QTemporaryDir>())
{
    // Start from the system environment minus anything that would send a client elsewhere.
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &name : system.keys()) {
        if (name.startsWith(QLatin1StringView("AWS_"))
            || name.startsWith(QLatin1StringView("IMSA_"))
            || name.startsWith(QLatin1StringView("XDG_"))
            || name.contains(QLatin1StringView("PROXY"), Qt::CaseInsensitive)
            || name == QLatin1StringView("DISPLAY") || name == QLatin1StringView("WAYLAND_DISPLAY")
            || name == QLatin1StringView("DBUS_SESSION_BUS_ADDRESS"))
            continue;
        m_environment.insert(name, system.value(name));
    }
    const auto dir = [this](const QString &name) {
        QDir().mkpath(path(name));
        return path(name);
    };
    m_environment.insert(QStringLiteral("HOME"), dir(QStringLiteral("home")));
    m_environment.insert(QStringLiteral("IMSA_RUNTIME_DIR"), path(QStringLiteral("run")));
    m_environment.insert(QStringLiteral("XDG_STATE_HOME"), dir(QStringLiteral("state")));
    m_environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir(QStringLiteral("config")));
    m_environment.insert(QStringLiteral("IMSA_KEYSTORE"), QStringLiteral("file"));
    m_environment.insert(QStringLiteral("AWS_CONFIG_FILE"),
                         path(QStringLiteral("home/.aws/config")));
    m_environment.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"),
                         path(QStringLiteral("home/.aws/credentials")));
    // The helper would need privileges; these tests listen on 127.0.0.1:0 instead.
    m_environment.insert(QStringLiteral("IMSA_HELPER"), path(QStringLiteral("no-helper")));
    m_environment.insert(QStringLiteral("AWS_DEFAULT_REGION"), QStringLiteral("eu-west-1"));
    // Clients must never fall back to a real AWS endpoint or to instance metadata elsewhere.
    m_environment.insert(QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
                         QStringLiteral("http://127.0.0.1:9/"));
}

E2eEnvironment::~E2eEnvironment()
{
    if (m_appPid > 0)
        killApp(SIGKILL);
    if (m_sts) {
        m_sts->kill();
        m_sts->waitForFinished(5000);
    }
}

QString E2eEnvironment::path(const QString &relativePath) const
{
    return m_root->filePath(relativePath);
}

void E2eEnvironment::writeFile(const QString &relativePath, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path(relativePath)).absolutePath());
    QFile file(path(relativePath));
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(content);
}

void E2eEnvironment::writeDefaultConfig()
{
    writeFile(QStringLiteral("home/.imsa"),
              QByteArray("# written for the original Python imsa\n"
                         "base:\n"
                         "  aws_access_key_id: ")
                      + accessKeyId
                      + "\n"
                        "  aws_secret_access_key: "
                      + secretAccessKey
                      + "\n"
                        "  mfa_serial_number: "
                      + mfaSerial
                      + "\n"
                        "  role_session_name: alice\n"
                        "\n"
                        "dev:\n"
                        "  extends: base\n"
                        "  role_arn: arn:aws:iam::111111111111:role/Developer\n"
                        "  region: eu-west-1\n"
                        "\n"
                        "prod:\n"
                        "  extends: base\n"
                        "  role_arn: arn:aws:iam::222222222222:role/Admin\n"
                        "  region: eu-central-1\n");
    m_environment.insert(QStringLiteral("IMSA_CONFIG"), path(QStringLiteral("home/.imsa")));
}

bool E2eEnvironment::startSts(const QStringList &extraArguments)
{
    m_sts = std::make_unique<QProcess>();
    m_sts->setProgram(standInStsBinary());
    m_sts->setArguments(QStringList{QStringLiteral("--port"), QStringLiteral("0")}
                        + extraArguments);
    m_sts->setProcessChannelMode(QProcess::SeparateChannels);
    m_sts->start();
    if (!m_sts->waitForStarted(5000)) {
        m_error =
                QStringLiteral("cannot start %1: %2").arg(standInStsBinary(), m_sts->errorString());
        return false;
    }
    QDeadlineTimer deadline(10'000);
    while (!m_sts->canReadLine() && !deadline.hasExpired())
        m_sts->waitForReadyRead(100);
    const QByteArray line = m_sts->readLine().trimmed();
    if (!line.startsWith("LISTENING ")) {
        m_error = QStringLiteral("stand-in STS said '%1'").arg(QString::fromUtf8(line));
        return false;
    }
    m_stsPort = static_cast<quint16>(line.mid(10).toUInt());
    m_environment.insert(QStringLiteral("AWS_ENDPOINT_URL_STS"), stsUrl());
    return true;
}

QString E2eEnvironment::stsUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/").arg(m_stsPort);
}

CommandResult E2eEnvironment::run(const QString &program, const QStringList &arguments,
                                  const QProcessEnvironment &extra, int timeoutMs) const
{
    QProcess process;
    QProcessEnvironment environment = m_environment;
    environment.insert(extra);
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(path(QStringLiteral("home")));
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, arguments);
    CommandResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
        result.err = QStringLiteral("timed out: ") + program;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err += QString::fromUtf8(process.readAllStandardError());
    return result;
}

CommandResult E2eEnvironment::imsa(const QStringList &arguments, int timeoutMs) const
{
    return run(imsaBinary(), arguments, {}, timeoutMs);
}

bool E2eEnvironment::startApp(const QStringList &extraArguments)
{
    return startAppWith(imsaBinary(),
                        QStringList{QStringLiteral("start"), QStringLiteral("--listen"),
                                    QStringLiteral("127.0.0.1:0")}
                                + extraArguments);
}

bool E2eEnvironment::startAppWith(const QString &program, const QStringList &arguments)
{
    const CommandResult started = run(program, arguments, {}, 20'000);
    if (started.exitCode != 0) {
        m_error = started.out + started.err;
        return false;
    }
    const CommandResult status = imsa({QStringLiteral("status"), QStringLiteral("--json")});
    const QJsonObject object = QJsonDocument::fromJson(status.out.toUtf8()).object();
    m_endpoint = object.value(u"endpoint").toString();
    m_appPid = object.value(u"pid").toInteger();
    if (m_endpoint.isEmpty() || m_appPid <= 0) {
        m_error = QStringLiteral("status after start: ") + status.out + status.err;
        return false;
    }
    return true;
}

void E2eEnvironment::killApp(int signal)
{
    ::kill(static_cast<pid_t>(m_appPid), signal);
    QDeadlineTimer deadline(5000);
    while (::kill(static_cast<pid_t>(m_appPid), 0) == 0 && !deadline.hasExpired())
        QThread::msleep(10);
    m_appPid = 0;
}

QJsonObject E2eEnvironment::stsCallCounts() const
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(stsUrl() + QStringLiteral("_calls")));
    request.setTransferTimeout(5000);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).object().value(u"counts").toObject();
}

QProcessEnvironment E2eEnvironment::clientEnvironment() const
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"), m_endpoint);
    return environment;
}

} // namespace imsa::test
