#include "mfaprocessrunner.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

#include "imsa/credentialbroker.h"
#include "imsa/logging.h"

namespace imsa::app {

MfaProcessRunner::MfaProcessRunner(CredentialBroker &broker, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
{
    connect(&broker, &CredentialBroker::mfaRequired, this, &MfaProcessRunner::handleMfaRequired);
}

void MfaProcessRunner::handleMfaRequired(const QString &profileName)
{
    const QList<Profile> profiles = m_broker.profiles();
    const auto profile = std::find_if(profiles.cbegin(), profiles.cend(), [&](const Profile &p) {
        return p.name == profileName;
    });
    if (profile == profiles.cend() || profile->mfaProcess.isEmpty()
        || m_running.contains(profileName))
        return;

    m_running.insert(profileName);
    auto *process = new QProcess(this);
    process->setProgram(QStringLiteral("/bin/sh"));
    process->setArguments({QStringLiteral("-c"), profile->mfaProcess});
    process->setProcessChannelMode(QProcess::SeparateChannels);
    QTimer::singleShot(timeoutMs, process, [process] {
        qCWarning(lcBroker) << "mfa_process did not answer within" << timeoutMs / 1000 << "s";
        process->kill();
    });
    connect(process, &QProcess::finished, this, [this, process, profileName](int exitCode) {
        process->deleteLater();
        m_running.remove(profileName);
        const QString code = QString::fromUtf8(process->readAllStandardOutput()).trimmed();
        static const QRegularExpression sixDigits(QStringLiteral("^\\d{6}$"));
        if (exitCode != 0 || !sixDigits.match(code).hasMatch()) {
            // Never log the output: it may be a valid code that just has extra text around it.
            qCWarning(lcBroker).noquote()
                    << "mfa_process for profile" << profileName << "exited with" << exitCode
                    << "without printing a 6-digit code";
            return;
        }
        qCInfo(lcBroker).noquote() << "MFA code for profile" << profileName << "from mfa_process";
        m_broker.submitMfaCode(profileName, code);
    });
    process->start();
}

} // namespace imsa::app
