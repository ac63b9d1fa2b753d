#include "e2eenvironment.h"

#include <array>
#include <atomic>
#include <signal.h>
#include <sys/prctl.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>

namespace imsa::test {
namespace {

// The apps of the live environments. On SIGTERM (ctest or imsa-test-isolate stopping a test),
// SIGINT, SIGHUP or SIGABRT (QTest's watchdog, a failed assertion) no destructor runs, so the
// handler stops them itself, then hands the signal on to the handler it replaced (QTest's).
constexpr int stoppedSignals[] = {SIGTERM, SIGINT, SIGHUP, SIGABRT};
std::array<std::atomic<pid_t>, 64> liveApps;
std::array<struct sigaction, std::size(stoppedSignals)> previousActions;

extern "C" void stopAppsAndResignal(int signal)
{
    for (std::atomic<pid_t> &app : liveApps) {
        if (const pid_t pid = app.exchange(0); pid > 0)
            ::kill(pid, SIGTERM);
    }
    for (std::size_t i = 0; i < std::size(stoppedSignals); ++i) {
        if (stoppedSignals[i] == signal)
            ::sigaction(signal, &previousActions[i], nullptr);
    }
    ::raise(signal); // delivered to the previous handler once this one returns
}

void installStopHandler()
{
    static const bool installed = [] {
        for (std::size_t i = 0; i < std::size(stoppedSignals); ++i) {
            struct sigaction action
            { };

            action.sa_handler = stopAppsAndResignal;
            sigemptyset(&action.sa_mask);
            ::sigaction(stoppedSignals[i], &action, &previousActions[i]);
        }
        return true;
    }();
    Q_UNUSED(installed);
}

void rememberApp(pid_t pid)
{
    for (std::atomic<pid_t> &app : liveApps) {
        pid_t empty = 0;
        if (app.compare_exchange_strong(empty, pid))
            return;
    }
}

void forgetApp(pid_t pid)
{
    for (std::atomic<pid_t> &app : liveApps) {
        pid_t expected = pid;
        app.compare_exchange_strong(expected, 0);
    }
}

} // namespace

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
    installStopHandler();
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
    // imsa-test-isolate's marks, by which imsa-test-leftovers tells which test left a process.
    for (const QString &mark :
         {QStringLiteral("IMSA_TEST_NAME"), QStringLiteral("IMSA_TEST_TAG")}) {
        if (system.contains(mark))
            m_environment.insert(mark, system.value(mark));
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
    stopApp();
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
    // Dies with the test even when the test is killed and no destructor runs.
    m_sts->setChildProcessModifier([] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
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
    m_environment.insert(QStringLiteral("IMSA_SIGNIN_URL"),
                         stsUrl() + QStringLiteral("federation"));
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
    m_appStarted = true;
    const CommandResult started = run(program, arguments, {}, 20'000);
    if (started.exitCode != 0) {
        m_error = started.out + started.err;
        return false;
    }
    const CommandResult status = imsa({QStringLiteral("status"), QStringLiteral("--json")});
    const QJsonObject object = QJsonDocument::fromJson(status.out.toUtf8()).object();
    m_endpoint = object.value(u"endpoint").toString();
    m_appPid = object.value(u"pid").toInteger();
    if (m_appPid > 0)
        rememberApp(static_cast<pid_t>(m_appPid));
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
    forgetApp(static_cast<pid_t>(m_appPid));
    m_appPid = 0;
}

void E2eEnvironment::stopApp()
{
    // Also when startApp() failed half-way or a test ran `imsa start` itself: the socket says
    // an app may run here.
    if (m_appStarted || QFileInfo::exists(path(QStringLiteral("run/control.sock"))))
        imsa({QStringLiteral("stop")}, 10'000);
    // A test may have stopped this app already, and its pid may since be another process's.
    if (m_appPid > 0 && isOurs(m_appPid))
        killApp(SIGKILL);
    forgetApp(static_cast<pid_t>(m_appPid));
    m_appPid = 0;
}

bool E2eEnvironment::isOurs(qint64 pid) const
{
    QFile variables(QStringLiteral("/proc/%1/environ").arg(pid));
    if (!variables.open(QIODevice::ReadOnly))
        return false;
    const QByteArray home = "HOME=" + path(QStringLiteral("home")).toUtf8();
    return variables.readAll().split('\0').contains(home);
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
