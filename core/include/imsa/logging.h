#pragma once

#include <QLoggingCategory>

// Categories are function-local statics: Q_LOGGING_CATEGORY in a header-only library would be
// defined in every translation unit and fail to link.
namespace imsa {

inline const QLoggingCategory &lcConfig()
{
    static const QLoggingCategory category("imsa.config");
    return category;
}

inline const QLoggingCategory &lcSts()
{
    static const QLoggingCategory category("imsa.sts");
    return category;
}

inline const QLoggingCategory &lcSso()
{
    static const QLoggingCategory category("imsa.sso");
    return category;
}

inline const QLoggingCategory &lcBroker()
{
    static const QLoggingCategory category("imsa.broker");
    return category;
}

inline const QLoggingCategory &lcImds()
{
    static const QLoggingCategory category("imsa.imds");
    return category;
}

inline const QLoggingCategory &lcIpc()
{
    static const QLoggingCategory category("imsa.ipc");
    return category;
}

inline const QLoggingCategory &lcKeyStore()
{
    static const QLoggingCategory category("imsa.keystore");
    return category;
}

inline const QLoggingCategory &lcApp()
{
    static const QLoggingCategory category("imsa.app");
    return category;
}

inline const QLoggingCategory &lcTray()
{
    static const QLoggingCategory category("imsa.tray");
    return category;
}

} // namespace imsa
