#pragma once

#include <chrono>
#include <unistd.h>

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QString>
#include <QStringList>

#include "service/helperlauncher.h"

// Shared by tst_helperlauncher (launcher against fake helpers) and tst_imsahelper (the real
// helper).
namespace imsa::test {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

inline const QString kMetadataAddress = u"169.254.169.254"_s;
constexpr auto kLauncherWait = 10s;

inline QString realHelper()
{
    return qEnvironmentVariable("IMSA_HELPER");
}

inline QString setcapCommand(const QString &path)
{
    return u"sudo setcap cap_net_bind_service,cap_net_admin+ep "_s + path;
}

// A fake helper: a shell script. `printf ... >&3` writes one message to the SEQPACKET socket.
inline bool writeScript(const QString &path, const QString &body)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.write("#!/bin/sh\n" + body.toUtf8() + '\n');
    file.close();
    return file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                               | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                               | QFile::ExeOther);
}

inline bool makeWorldReadable(const QString &dir)
{
    return QFile::setPermissions(dir,
                                 QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                         | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                                         | QFile::ExeOther);
}

struct LauncherRun
{
    bool finishedSynchronously = false;
    int signalCount = 0;
    app::HelperResult result;
};

inline LauncherRun runLauncher(const QString &helperPath, std::chrono::milliseconds timeout = 5s)
{
    app::HelperLauncher launcher(helperPath);
    launcher.setTimeout(timeout);
    QSignalSpy spy(&launcher, &app::HelperLauncher::finished);
    launcher.start();
    LauncherRun run;
    run.finishedSynchronously = !spy.isEmpty();
    if (spy.isEmpty())
        spy.wait(static_cast<int>(std::chrono::milliseconds(kLauncherWait).count()));
    // A second emission would be queued behind the first; let it arrive if it exists.
    QCoreApplication::processEvents();
    run.signalCount = static_cast<int>(spy.count());
    if (!spy.isEmpty())
        run.result = spy.first().first().value<app::HelperResult>();
    return run;
}

struct ProcessRun
{
    bool ran = false;
    int exitCode = -1;
    QString standardOutput;
    QString standardError;
};

// Runs a program directly (not through the launcher) with `fd` as its fd 3 and nothing else
// beyond stdio.
inline ProcessRun runProgram(const QString &program, const QStringList &arguments, int fd = -1)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setChildProcessModifier([fd] {
        if (fd >= 0)
            ::dup2(fd, 3);
        ::close_range(fd >= 0 ? 4 : 3, ~0U, CLOSE_RANGE_CLOEXEC);
    });
    process.start();
    ProcessRun run;
    run.ran = process.waitForFinished(30'000) && process.exitStatus() == QProcess::NormalExit;
    run.exitCode = process.exitCode();
    run.standardOutput = QString::fromLocal8Bit(process.readAllStandardOutput());
    run.standardError = QString::fromLocal8Bit(process.readAllStandardError());
    return run;
}

} // namespace imsa::test
