#include <QEventLoop>
#include <QTextStream>

#include "keystore/keystorefactory.h"
#include "platform/coreapplication.h"
#include "platform/exitcode.h"
#include "platform/processhardening.h"
#include "runservice.h"

// imsa-service: the headless app, without Qt Widgets or Gui. `imsa start` runs it (with
// --headless, for systemd, or where no display is); it is not meant to be run by hand.

namespace {

/// `imsa-service --probe-key-store`, for `imsa doctor`, which links no key store of its own:
/// exit 0 when the Secret Service answers, else 1 with the reason on stdout. It asks exactly as
/// a starting app does.
int probeKeyStore()
{
    using namespace imsa::app;
    bool answers = false;
    QString why;
    QEventLoop loop;
    probeSecretService(&loop, [&](bool available, const QString &reason) {
        answers = available;
        why = reason;
        loop.quit();
    });
    loop.exec();
    if (answers)
        return ExitOk;
    QTextStream(stdout) << why << "\n";
    return ExitFailure;
}

} // namespace

int main(int argc, char *argv[])
{
    using namespace imsa::app;
    // Hardening does not survive the exec from `imsa start --foreground`: it is done again here.
    hardenProcess();
    const std::unique_ptr<QCoreApplication> application = createCoreApplication(argc, argv);
    if (QCoreApplication::arguments().mid(1) == QStringList{QStringLiteral("--probe-key-store")})
        return probeKeyStore();
    return runService(QCoreApplication::arguments(), {});
}
