#include <QTest>

#include "service/controlhandler.h"

using namespace imsa;
using namespace imsa::app;

class tst_ControlHandler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handlesExactlyTheProtocolsCommands();
};

void tst_ControlHandler::handlesExactlyTheProtocolsCommands()
{
    QStringList protocol;
    for (const QLatin1StringView command : ipc::commands::all)
        protocol << QString(command);
    protocol.sort();
    QCOMPARE(protocol.count(), QSet<QString>(protocol.cbegin(), protocol.cend()).size());

    QStringList handled = ControlHandler::commandNames();
    handled.sort();
    QCOMPARE(handled, protocol);
}

QTEST_APPLESS_MAIN(tst_ControlHandler)
#include "tst_controlhandler.moc"
