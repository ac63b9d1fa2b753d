#include <QAccessible>
#include <QApplication>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

#include "core/brokerrig.h"
#include "service/accesslog.h"
#include "service/approvalstore.h"
#include "service/keymanager.h"
#include "service/profilestore.h"
#include "service/sessionnotifier.h"
#include "tray/keyeditor.h"
#include "tray/mfadialog.h"
#include "tray/profileswindow.h"
#include "tray/recentusewindow.h"
#include "tray/traycontroller.h"

using namespace Qt::StringLiterals;
using namespace imsa;
using namespace imsa::test;
using namespace imsa::tray;

// What a screen reader announces: every widget of the MFA dialog and the keys window that takes
// the keyboard has an accessible name (read through Qt's accessibility interfaces, the ones
// the AT-SPI bridge reads), and Tab reaches each of them. The account picker has its own check
// in tst_accountpicker.
namespace {

/// The widgets of `window` that take keyboard focus, as Tab visits them.
QList<QWidget *> focusChain(QWidget *window)
{
    QList<QWidget *> chain;
    for (QWidget *widget = window->nextInFocusChain(); widget != window;
         widget = widget->nextInFocusChain()) {
        if (widget->isVisible() && widget->isEnabled() && (widget->focusPolicy() & Qt::TabFocus))
            chain.append(widget);
    }
    return chain;
}

QString describe(const QWidget *widget)
{
    return u"%1 '%2'"_s.arg(QString::fromLatin1(widget->metaObject()->className()),
                            widget->objectName());
}

void verifyNamed(QWidget *window)
{
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    const QList<QWidget *> chain = focusChain(window);
    QVERIFY(!chain.isEmpty());
    for (QWidget *widget : chain) {
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
        QVERIFY2(accessible, qPrintable(describe(widget)));
        QVERIFY2(!accessible->text(QAccessible::Name).trimmed().isEmpty(),
                 qPrintable(describe(widget) + u" has no accessible name"_s));
    }
}

} // namespace

class tst_AccessibleNames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mfaDialog();
    void keyEditor();
    void profilesWindow();
    void recentUseWindow();
};

void tst_AccessibleNames::mfaDialog()
{
    BrokerRig rig;
    app::SessionNotifier sessionNotifier{*rig.broker, rig.clock};
    TrayController controller{*rig.broker, rig.clock, sessionNotifier};
    MfaDialog dialog(controller, u"prod"_s, u"arn:aws:iam::123456789012:mfa/alice"_s);
    verifyNamed(&dialog);
}

void tst_AccessibleNames::keyEditor()
{
    BrokerRig rig;
    app::KeyManager keys{rig.store, *rig.broker};
    KeyEditor editor{keys};
    verifyNamed(&editor);
}

void tst_AccessibleNames::profilesWindow()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    ConfigPaths paths;
    paths.imsaFile = home.filePath(u".imsa"_s);
    paths.awsConfigFile = home.filePath(u".aws/config"_s);
    paths.awsCredentialsFile = home.filePath(u".aws/credentials"_s);
    QFile file(paths.imsaFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("base:\n"
               "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
               "  mfa_serial_number: arn:aws:iam::123456789012:mfa/alice\n"
               "prod:\n"
               "  extends: base\n"
               "  role_arn: arn:aws:iam::123456789012:role/Admin\n");
    file.close();
    app::ProfileStore profiles{paths};
    profiles.load();
    BrokerRig rig;
    rig.broker->setProfiles(profiles.profiles().profiles);
    app::KeyManager keys{rig.store, *rig.broker};
    // With an approval, so that its list and Revoke button are in the chain.
    app::ApprovalStore approvals{home.filePath(u"approvals.json"_s)};
    QVERIFY(approvals.approve(u"base"_s, u"/usr/bin/aws"_s));
    ProfilesWindow window(profiles, keys, &approvals);
    verifyNamed(&window);
}

void tst_AccessibleNames::recentUseWindow()
{
    QTemporaryDir state;
    const QString path = state.filePath(u"access.log"_s);
    {
        AccessEvent event;
        event.time = QDateTime::currentDateTimeUtc();
        event.profile = u"prod"_s;
        event.result = u"served"_s;
        event.pid = 42;
        event.executable = u"/usr/bin/aws"_s;
        app::AccessLog(path).append(event);
    }
    RecentUseWindow window(path);
    verifyNamed(&window);
}

QTEST_MAIN(tst_AccessibleNames)
#include "tst_accessiblenames.moc"
