#include "platform/coreapplication.h"
#include "platform/processhardening.h"
#include "runservice.h"

// imsa-service: the headless app, without Qt Widgets or Gui. `imsa start` runs it (with
// --headless, for systemd, or where no display is); it is not meant to be run by hand.
int main(int argc, char *argv[])
{
    using namespace imsa::app;
    // Hardening does not survive the exec from `imsa start --foreground`: it is done again here.
    hardenProcess();
    const std::unique_ptr<QCoreApplication> application = createCoreApplication(argc, argv);
    return runService(QCoreApplication::arguments(), {});
}
