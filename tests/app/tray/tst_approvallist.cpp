// The approvals of the profiles window: a profile's approved programs are listed, Revoke takes
// the selected one out of the store (and its file), and approvals changed elsewhere (`imsa allow`
// through the control socket) show up while the list is open.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include "service/approvalstore.h"
#include "tray/approvallist.h"

using namespace imsa;
using namespace imsa::app;
using namespace imsa::tray;
using namespace Qt::StringLiterals;

namespace {

const QString aws = u"/usr/bin/aws"_s;
const QString script = u"/usr/bin/python3 /home/u/sync.py"_s;

Profile askingProfile()
{
    Profile profile;
    profile.name = u"prod"_s;
    profile.access = AccessPolicy::Ask;
    return profile;
}

QStringList shown(const ApprovalList &list)
{
    const auto *programs = list.findChild<QListWidget *>(u"approvedPrograms"_s);
    QStringList texts;
    for (int row = 0; row < programs->count(); ++row)
        texts << programs->item(row)->text();
    return texts;
}

} // namespace

class tst_ApprovalList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void revokeRemovesTheSelectedApproval();
    void followsChangesFromTheCli();
    void saysWhenTheRevocationFails();
};

void tst_ApprovalList::revokeRemovesTheSelectedApproval()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"approvals.json"_s);
    ApprovalStore store(path);
    QVERIFY(store.approve(u"prod"_s, aws));
    QVERIFY(store.approve(u"prod"_s, script));
    QVERIFY(store.approve(u"dev"_s, aws));

    ApprovalList list(&store);
    list.setProfile(askingProfile());
    auto *revoke = list.findChild<QPushButton *>(u"revoke"_s);
    QVERIFY(!revoke->isEnabled()); // nothing selected yet
    list.show();
    QVERIFY(QTest::qWaitForWindowExposed(&list));
    QCOMPARE(shown(list), QStringList({aws, script}));
    QVERIFY(list.findChild<QLabel *>(u"accessPolicy"_s)->text().contains(u"ask"_s));

    auto *programs = list.findChild<QListWidget *>(u"approvedPrograms"_s);
    programs->setFocus();
    programs->setCurrentRow(0);
    QVERIFY(revoke->isEnabled());
    QTest::mouseClick(revoke, Qt::LeftButton);

    QCOMPARE(store.approved(u"prod"_s), QStringList{script});
    QCOMPARE(shown(list), QStringList{script});
    QCOMPARE(store.approved(u"dev"_s), QStringList{aws}); // another profile's stays
    QCOMPARE(ApprovalStore(path).approved(u"prod"_s), QStringList{script}); // saved
}

void tst_ApprovalList::followsChangesFromTheCli()
{
    QTemporaryDir dir;
    ApprovalStore store(dir.filePath(u"approvals.json"_s));
    ApprovalList list(&store);
    list.setProfile(askingProfile());
    QVERIFY(shown(list).isEmpty());
    QVERIFY(list.findChild<QLabel *>(u"accessPolicy"_s)->text().contains(u"No program"_s));

    // What the control handler does for `imsa allow prod /usr/bin/aws`.
    QVERIFY(store.approve(u"prod"_s, aws));
    QCOMPARE(shown(list), QStringList{aws});
    QVERIFY(store.approve(u"dev"_s, script)); // not this profile's
    QCOMPARE(shown(list), QStringList{aws});
    QVERIFY(store.revoke(u"prod"_s, aws)); // `imsa deny`
    QVERIFY(shown(list).isEmpty());
}

void tst_ApprovalList::saysWhenTheRevocationFails()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"approvals.json"_s);
    ApprovalStore store(path);
    QVERIFY(store.approve(u"prod"_s, aws));
    ApprovalList list(&store);
    list.setProfile(askingProfile());
    list.show();
    QVERIFY(QTest::qWaitForWindowExposed(&list));

    // A directory where the file was: no one, not even root, can save the list there.
    QVERIFY(QFile::remove(path));
    QVERIFY(QDir().mkdir(path));
    list.findChild<QListWidget *>(u"approvedPrograms"_s)->setCurrentRow(0);
    QTest::mouseClick(list.findChild<QPushButton *>(u"revoke"_s), Qt::LeftButton);

    QCOMPARE(store.approved(u"prod"_s), QStringList{aws});
    QCOMPARE(shown(list), QStringList{aws});
    const auto *result = list.findChild<QLabel *>(u"approvalResult"_s);
    QVERIFY(result->isVisible());
    QVERIFY2(result->text().contains(u"cannot write"_s), qPrintable(result->text()));
}

QTEST_MAIN(tst_ApprovalList)
#include "tst_approvallist.moc"
