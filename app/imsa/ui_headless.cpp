#include "ui.h"

// The build without the tray (IMSA_BUILD_TRAY=OFF): always headless.
namespace imsa::app {

std::unique_ptr<QCoreApplication> createApplication(int &argc, char **argv)
{
    return createCoreApplication(argc, argv);
}

UiFactory trayFactory()
{
    return {};
}

} // namespace imsa::app
