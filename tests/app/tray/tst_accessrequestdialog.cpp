// The "ask first" dialog (issue #16): it names the program and the profile, and its three
// buttons do what they say, checked through the guard with a real loopback connection of this
// test process, the program the dialog asks about.
#include <QCoreApplication>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "fakes/fakeclock.h"
#include "service/accesslog.h"
#include "service/approvalstore.h"
#include "tray/accessrequestdialog.h"

using namespace imsa;
using namespace imsa::app;
using namespace imsa::tray;
using namespace Qt::StringLiterals;

namespace {

/// An `access: ask` guard on a fake clock, a loopback connection of this process to ask it
/// about, and the dialog the tray opens after the guard refused it.
struct DialogRig
{
    QTemporaryDir dir;
    test::FakeClock clock;
    ApprovalStore *store = nullptr;
    std::unique_ptr<AccessGuard> guard;
    std::unique_ptr<AccessGuard::Connections> connections;
    QTcpServer server;
    QTcpSocket client;
    QTcpSocket *accepted = nullptr;
    QPointer<AccessRequestDialog> dialog;

    bool open()
    {
        auto approvals = std::make_unique<ApprovalStore>(dir.filePath(u"approvals.json"_s));
        store = approvals.get();
        guard = std::make_unique<AccessGuard>(
                std::make_unique<AccessLog>(dir.filePath(u"access.log"_s)), std::move(approvals),
                [](const QString &) {
                    return AccessPolicy::Ask;
                },
                clock);
        connections = std::make_unique<AccessGuard::Connections>(*guard);
        if (!server.listen(QHostAddress::LocalHost))
            return false;
        client.connectToHost(server.serverAddress(), server.serverPort());
        if (!client.waitForConnected(5000) || !server.waitForNewConnection(5000))
            return false;
        accepted = server.nextPendingConnection();
        QSignalSpy asked(guard.get(), &AccessGuard::approvalRequested);
        if (!accepted || admit() || asked.size() != 1)
            return false;
        dialog = new AccessRequestDialog(*guard, u"prod"_s,
                                         asked.first().at(1).value<PeerProcess>());
        dialog->show();
        return true;
    }

    ~DialogRig() { delete dialog.data(); }

    bool admit()
    {
        return guard->admit(*connections, accepted, u"prod"_s, QLatin1StringView("imds"));
    }

    QPushButton *button(const QString &name) const
    {
        return dialog->findChild<QPushButton *>(name);
    }
};

} // namespace

class tst_AccessRequestDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesProgramProfileAndParent();
    void allowOnceServesForTenMinutes();
    void alwaysAllowApproves();
    void denyKeepsItOutWithoutAsking();
    void escapeDenies();
};

void tst_AccessRequestDialog::namesProgramProfileAndParent()
{
    DialogRig rig;
    QVERIFY(rig.open());
    const QString self = QCoreApplication::applicationFilePath();
    const QString question = rig.dialog->findChild<QLabel *>(u"question"_s)->text();
    QVERIFY2(question.contains(self) && question.contains(u"prod"_s), qPrintable(question));
    QStringList shown;
    for (const QLabel *label : rig.dialog->findChildren<QLabel *>())
        shown.append(label->text());
    QVERIFY(shown.contains(QString::number(QCoreApplication::applicationPid())));
    QVERIFY(rig.button(u"deny"_s)->isDefault());
}

void tst_AccessRequestDialog::allowOnceServesForTenMinutes()
{
    DialogRig rig;
    QVERIFY(rig.open());
    QTest::mouseClick(rig.button(u"allowOnce"_s), Qt::LeftButton);
    QTRY_VERIFY(rig.dialog.isNull()); // closed and deleted
    QVERIFY(rig.admit());
    QVERIFY(rig.store->approved(u"prod"_s).isEmpty());
    rig.clock.advance(AccessGuard::allowOnceSecs + 1);
    QVERIFY(!rig.admit());
}

void tst_AccessRequestDialog::alwaysAllowApproves()
{
    DialogRig rig;
    QVERIFY(rig.open());
    QTest::mouseClick(rig.button(u"alwaysAllow"_s), Qt::LeftButton);
    QTRY_VERIFY(rig.dialog.isNull());
    QCOMPARE(rig.store->approved(u"prod"_s), QStringList{QCoreApplication::applicationFilePath()});
    rig.clock.advance(AccessGuard::allowOnceSecs + 1);
    QVERIFY(rig.admit());
}

void tst_AccessRequestDialog::denyKeepsItOutWithoutAsking()
{
    DialogRig rig;
    QVERIFY(rig.open());
    QSignalSpy asked(rig.guard.get(), &AccessGuard::approvalRequested);
    QTest::mouseClick(rig.button(u"deny"_s), Qt::LeftButton);
    QTRY_VERIFY(rig.dialog.isNull());
    rig.clock.advance(AccessGuard::allowOnceSecs + 1);
    QVERIFY(!rig.admit());
    QCOMPARE(asked.size(), 0);
}

void tst_AccessRequestDialog::escapeDenies()
{
    DialogRig rig;
    QVERIFY(rig.open());
    QSignalSpy asked(rig.guard.get(), &AccessGuard::approvalRequested);
    QTest::keyClick(rig.dialog.data(), Qt::Key_Escape);
    QTRY_VERIFY(rig.dialog.isNull());
    QVERIFY(!rig.admit());
    QCOMPARE(asked.size(), 0);
    QVERIFY(rig.store->approved(u"prod"_s).isEmpty());
}

QTEST_MAIN(tst_AccessRequestDialog)
#include "tst_accessrequestdialog.moc"
