#include <QAccessible>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include "tray/accountpicker.h"

using namespace imsa::tray;
using namespace Qt::StringLiterals;

namespace {

// 20 teams × 5 stages × 3 roles: 300 roles. Only "research" holds another name ("search").
const QStringList teams = u"payments search identity billing mobile platform analytics marketing "
                          "security logistics support web network audit media research ops "
                          "shared checkout catalog"_s.split(u' ');
const QStringList stages{u"prod"_s, u"staging"_s, u"dev"_s, u"qa"_s, u"sandbox"_s};
const QStringList roles{u"AdministratorAccess"_s, u"ReadOnlyAccess"_s, u"PowerUserAccess"_s};

QString accountId(qsizetype account)
{
    return QString::number(210000000000LL + account * 7'919'104'729LL % 90'000'000'000LL);
}

QList<AccountPickerEntry> manyEntries(const QString &signIn = u"my-sso"_s)
{
    QList<AccountPickerEntry> entries;
    // Stages outermost, so that the list is not given in its shown order.
    for (const QString &stage : stages) {
        for (qsizetype team = 0; team < teams.size(); ++team) {
            const QString name = teams.at(team) + u'-' + stage;
            const qsizetype account = team * stages.size() + stages.indexOf(stage);
            for (const QString &role : roles)
                entries.append({name + u'/' + role, name, accountId(account), role, signIn});
        }
    }
    return entries;
}

/// A shown picker with the 300 roles of one signed-in sign-in.
struct PickerRig
{
    PickerRig()
    {
        picker.setSignIns({{u"key-1"_s, u"my-sso"_s, true}});
        picker.setEntries(manyEntries());
        picker.present(); // activates it too: X11 without a window manager would not
    }

    template <typename T = QWidget>
    T *child(const QString &name) const
    {
        return picker.findChild<T *>(name);
    }

    QLineEdit *filter() const { return child<QLineEdit>(u"filter"_s); }

    QTreeView *view() const { return child<QTreeView>(u"accounts"_s); }

    QString label(const QString &name) const { return child<QLabel>(name)->text(); }

    int rows() const { return view()->model()->rowCount(); }

    QString profileAt(int row) const
    {
        return view()->model()->index(row, 0).data(Qt::UserRole + 1).toString();
    }

    void type(const QString &text) { QTest::keyClicks(filter(), text); }

    AccountPicker picker;
};

} // namespace

class tst_AccountPicker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensWithTheFilterFocused();
    void filtersAsYouType_data();
    void filtersAsYouType();
    void sortsByAccountThenRole();
    void downAndEnterChooseTheSelectedRow();
    void downStartsAtTheTopWhenTheSelectionIsFilteredOut();
    void mouseChooses_data();
    void mouseChooses();
    void enterChoosesTheOnlyMatch();
    void enterWaitsForAChoiceAndEscapeCloses();
    void typingInTheListFilters();
    void signedOutSignInHasASignInButton();
    void withoutEntriesSaysWhy_data();
    void withoutEntriesSaysWhy();
    void setEntriesKeepsFilterAndSelection();
    void busyAndError();
    void activeProfileIsBold();
    void signInColumnOnlyWithSeveralSignIns();
    void refreshOnEveryShow();
    void accessibleNamesAndTabOrder();
};

void tst_AccountPicker::opensWithTheFilterFocused()
{
    PickerRig rig;
    QVERIFY(QTest::qWaitForWindowActive(&rig.picker));
    QCOMPARE(rig.picker.windowTitle(), u"Accounts and roles — imsa"_s);
    QVERIFY(!rig.picker.isModal());
    QCOMPARE(QApplication::focusWidget(), rig.filter());
    QCOMPARE(rig.filter()->placeholderText(), u"Filter accounts and roles"_s);
    QCOMPARE(rig.rows(), 300);
    QCOMPARE(rig.label(u"count"_s), u"300 roles"_s);
}

void tst_AccountPicker::filtersAsYouType_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<int>("rows");
    QTest::addColumn<QString>("count");
    QTest::addRow("an account name part") << u"prod"_s << 60 << u"60 of 300 roles"_s;
    QTest::addRow("ignoring case") << u"PAYMENTS"_s << 15 << u"15 of 300 roles"_s;
    QTest::addRow("a role") << u"readonly"_s << 100 << u"100 of 300 roles"_s;
    QTest::addRow("an account ID") << accountId(7) << 3 << u"3 of 300 roles"_s;
    QTest::addRow("two words, both must match") << u"prod admin"_s << 20 << u"20 of 300 roles"_s;
    QTest::addRow("words in any order, extra spaces")
            << u"  poweruser   payments "_s << 5 << u"5 of 300 roles"_s;
    QTest::addRow("account and role in one word") << u"web-qa/read"_s << 1 << u"1 of 300 roles"_s;
    QTest::addRow("nothing matches") << u"prod zebra"_s << 0 << u"0 of 300 roles"_s;
}

void tst_AccountPicker::filtersAsYouType()
{
    QFETCH(QString, typed);
    QFETCH(int, rows);
    QFETCH(QString, count);
    PickerRig rig;
    rig.type(typed);
    QCOMPARE(rig.rows(), rows);
    QCOMPARE(rig.label(u"count"_s), count);
    QCOMPARE(rig.view()->isVisible(), rows > 0);
    QCOMPARE(rig.child<QLabel>(u"placeholder"_s)->isVisible(), rows == 0);
    if (rows == 0)
        QCOMPARE(rig.label(u"placeholder"_s), u"No account or role matches “prod zebra”."_s);
    // Clearing the filter shows everything again.
    rig.filter()->clear();
    QCOMPARE(rig.rows(), 300);
    QCOMPARE(rig.label(u"count"_s), u"300 roles"_s);
}

void tst_AccountPicker::sortsByAccountThenRole()
{
    AccountPicker picker;
    auto entry = [](const QString &account, const QString &role) {
        return AccountPickerEntry{account + u'/' + role, account, u"111122223333"_s, role, {}};
    };
    picker.setEntries({entry(u"team-10"_s, u"Admin"_s), entry(u"Beta"_s, u"ReadOnly"_s),
                       entry(u"team-9"_s, u"Admin"_s), entry(u"beta"_s, u"Admin"_s),
                       entry(u"alpha"_s, u"ReadOnly"_s), entry(u"alpha"_s, u"Admin"_s)});
    const QAbstractItemModel *model = picker.findChild<QTreeView *>(u"accounts"_s)->model();
    QStringList shown;
    for (int row = 0; row < model->rowCount(); ++row)
        shown << model->index(row, 0).data(Qt::UserRole + 1).toString();
    QCOMPARE(shown,
             (QStringList{u"alpha/Admin"_s, u"alpha/ReadOnly"_s, u"beta/Admin"_s,
                          u"Beta/ReadOnly"_s, u"team-9/Admin"_s, u"team-10/Admin"_s}));
}

void tst_AccountPicker::downAndEnterChooseTheSelectedRow()
{
    PickerRig rig;
    QVERIFY(QTest::qWaitForWindowActive(&rig.picker));
    QSignalSpy chosen(&rig.picker, &AccountPicker::profileChosen);
    rig.type(u"prod admin"_s);
    // Sorted: analytics-prod, audit-prod, billing-prod, …
    for (const Qt::Key key : {Qt::Key_Down, Qt::Key_Down, Qt::Key_Down, Qt::Key_Up})
        QTest::keyClick(rig.filter(), key);
    QCOMPARE(QApplication::focusWidget(), rig.filter());
    QCOMPARE(rig.picker.currentProfile(), u"audit-prod/AdministratorAccess"_s);
    QTest::keyClick(rig.filter(), Qt::Key_Return);
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.at(0).at(0).toString(), u"audit-prod/AdministratorAccess"_s);
    QVERIFY(!rig.picker.isVisible());
}

void tst_AccountPicker::downStartsAtTheTopWhenTheSelectionIsFilteredOut()
{
    PickerRig rig;
    rig.type(u"billing"_s);
    QTest::keyClick(rig.filter(), Qt::Key_Down);
    QCOMPARE(rig.picker.currentProfile(), u"billing-dev/AdministratorAccess"_s);
    rig.type(u"-prod"_s);
    QCOMPARE(rig.rows(), 3);
    // Qt selects a neighbour of a row that goes; Enter must not choose it.
    QCOMPARE(rig.picker.currentProfile(), QString());
    QVERIFY(rig.view()->selectionModel()->selectedRows().isEmpty());
    QSignalSpy chosen(&rig.picker, &AccountPicker::profileChosen);
    QTest::keyClick(rig.filter(), Qt::Key_Return);
    QVERIFY(chosen.isEmpty());
    QTest::keyClick(rig.filter(), Qt::Key_Down);
    QCOMPARE(rig.picker.currentProfile(), u"billing-prod/AdministratorAccess"_s);
}

void tst_AccountPicker::mouseChooses_data()
{
    QTest::addColumn<bool>("doubleClick");
    QTest::addRow("double-click on a row") << true;
    QTest::addRow("click on a row, then Use") << false;
}

void tst_AccountPicker::mouseChooses()
{
    QFETCH(bool, doubleClick);
    PickerRig rig;
    QSignalSpy chosen(&rig.picker, &AccountPicker::profileChosen);
    rig.type(u"staging"_s);
    QTreeView *view = rig.view();
    QCOMPARE(rig.profileAt(2), u"analytics-staging/ReadOnlyAccess"_s);
    // A double-click is what the window system sends: press, release, double-click, release.
    const QPoint point = view->visualRect(view->model()->index(2, 2)).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, point);
    QVERIFY(chosen.isEmpty());
    if (doubleClick)
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, point);
    else
        QTest::mouseClick(rig.child<QPushButton>(u"use"_s), Qt::LeftButton);
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.at(0).at(0).toString(), u"analytics-staging/ReadOnlyAccess"_s);
}

void tst_AccountPicker::enterChoosesTheOnlyMatch()
{
    PickerRig rig;
    QSignalSpy chosen(&rig.picker, &AccountPicker::profileChosen);
    rig.type(accountId(12) + u" power"_s);
    QCOMPARE(rig.rows(), 1);
    QVERIFY(rig.view()->selectionModel()->selectedRows().isEmpty());
    QVERIFY(rig.child<QPushButton>(u"use"_s)->isEnabled());
    QTest::keyClick(rig.filter(), Qt::Key_Enter);
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.at(0).at(0).toString(), u"identity-dev/PowerUserAccess"_s);
}

void tst_AccountPicker::enterWaitsForAChoiceAndEscapeCloses()
{
    PickerRig rig;
    QSignalSpy chosen(&rig.picker, &AccountPicker::profileChosen);
    rig.type(u"prod"_s);
    QVERIFY(!rig.child<QPushButton>(u"use"_s)->isEnabled());
    QTest::keyClick(rig.filter(), Qt::Key_Return);
    QVERIFY(rig.picker.isVisible());
    // Escape closes, without choosing.
    QTest::keyClick(rig.filter(), Qt::Key_Escape);
    QVERIFY(!rig.picker.isVisible());
    QVERIFY(chosen.isEmpty());
}

void tst_AccountPicker::typingInTheListFilters()
{
    PickerRig rig;
    QVERIFY(QTest::qWaitForWindowActive(&rig.picker));
    rig.view()->setFocus();
    QTest::keyClicks(rig.view(), u"media-"_s);
    QCOMPARE(rig.filter()->text(), u"media-"_s);
    QCOMPARE(QApplication::focusWidget(), rig.filter());
    QCOMPARE(rig.rows(), 15);
}

void tst_AccountPicker::signedOutSignInHasASignInButton()
{
    PickerRig rig;
    QSignalSpy requested(&rig.picker, &AccountPicker::signInRequested);
    rig.picker.setSignIns({{u"key-1"_s, u"my-sso"_s, true},
                           {u"key-2"_s, u"https://other.awsapps.com/start"_s, false}});
    const QList<QPushButton *> buttons = rig.picker.findChildren<QPushButton *>(u"signIn"_s);
    QCOMPARE(buttons.size(), 1);
    QCOMPARE(buttons.first()->text(), u"Sign in"_s);
    QCOMPARE(buttons.first()->accessibleName(), u"Sign in to https://other.awsapps.com/start"_s);
    QTest::mouseClick(buttons.first(), Qt::LeftButton);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), u"key-2"_s);
    // Signed in now: the button goes.
    rig.picker.setSignIns({{u"key-1"_s, u"my-sso"_s, true},
                           {u"key-2"_s, u"https://other.awsapps.com/start"_s, true}});
    QTRY_VERIFY(rig.picker.findChildren<QPushButton *>(u"signIn"_s).isEmpty());
}

void tst_AccountPicker::withoutEntriesSaysWhy_data()
{
    QTest::addColumn<QList<AccountPickerSignIn>>("signIns");
    QTest::addColumn<bool>("busy");
    QTest::addColumn<int>("signInButtons");
    QTest::addColumn<QString>("shown");
    const AccountPickerSignIn in{u"a"_s, u"my-sso"_s, true};
    const AccountPickerSignIn out{u"b"_s, u"corp"_s, false};
    QTest::addRow("not signed in")
            << QList{out} << false << 1
            << u"Sign in to IAM Identity Center to see your AWS accounts and roles."_s;
    QTest::addRow("listing") << QList{in, out} << true << 1 << u"Listing accounts…"_s;
    QTest::addRow("signed in, no account")
            << QList{in} << false << 0 << u"IAM Identity Center gives you no AWS account."_s;
    QTest::addRow("no sign-in set up")
            << QList<AccountPickerSignIn>{} << false << 0
            << u"No IAM Identity Center sign-in is set up: add an sso-session section to "
               "~/.aws/config to see your accounts here."_s;
}

void tst_AccountPicker::withoutEntriesSaysWhy()
{
    QFETCH(QList<AccountPickerSignIn>, signIns);
    QFETCH(bool, busy);
    QFETCH(int, signInButtons);
    QFETCH(QString, shown);
    AccountPicker picker;
    picker.setSignIns(signIns);
    picker.setBusy(busy);
    picker.show();
    auto *placeholder = picker.findChild<QLabel *>(u"placeholder"_s);
    QVERIFY(placeholder->isVisible());
    QCOMPARE(placeholder->text(), shown);
    QVERIFY(!picker.findChild<QTreeView *>(u"accounts"_s)->isVisible());
    QVERIFY(!picker.findChild<QLabel *>(u"count"_s)->isVisible());
    QCOMPARE(picker.findChildren<QPushButton *>(u"signIn"_s).size(), signInButtons);
}

void tst_AccountPicker::setEntriesKeepsFilterAndSelection()
{
    PickerRig rig;
    rig.type(u"billing"_s);
    QTest::keyClick(rig.filter(), Qt::Key_Down);
    QTest::keyClick(rig.filter(), Qt::Key_Down);
    const QString selected = rig.picker.currentProfile();
    QCOMPARE(selected, u"billing-dev/PowerUserAccess"_s);
    QList<AccountPickerEntry> more = manyEntries();
    more.append({u"billing-archive/ReadOnlyAccess"_s, u"billing-archive"_s, u"999900001111"_s,
                 u"ReadOnlyAccess"_s, u"my-sso"_s});
    rig.picker.setEntries(more);
    QCOMPARE(rig.filter()->text(), u"billing"_s);
    QCOMPARE(rig.rows(), 16);
    QCOMPARE(rig.label(u"count"_s), u"16 of 301 roles"_s);
    QCOMPARE(rig.picker.currentProfile(), selected);
    // Gone from the list: nothing is selected, and Down starts at the top.
    more.removeIf([&selected](const AccountPickerEntry &entry) {
        return entry.profile == selected;
    });
    rig.picker.setEntries(more);
    QVERIFY(rig.view()->selectionModel()->selectedRows().isEmpty());
    QTest::keyClick(rig.filter(), Qt::Key_Down);
    QCOMPARE(rig.picker.currentProfile(), u"billing-archive/ReadOnlyAccess"_s);
}

void tst_AccountPicker::busyAndError()
{
    PickerRig rig;
    auto *busy = rig.child<QLabel>(u"busy"_s);
    auto *error = rig.child<QLabel>(u"error"_s);
    auto *refresh = rig.child<QPushButton>(u"refresh"_s);
    QVERIFY(!busy->isVisible());
    QVERIFY(refresh->isEnabled());
    rig.picker.setBusy(true);
    QVERIFY(busy->isVisible());
    QCOMPARE(busy->text(), u"Listing accounts…"_s);
    QVERIFY(!refresh->isEnabled());
    QCOMPARE(rig.rows(), 300); // the old list stays while the new one comes
    rig.picker.setBusy(false);
    QVERIFY(!busy->isVisible());
    rig.picker.setError(u"The IAM Identity Center portal did not answer."_s);
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), u"The IAM Identity Center portal did not answer."_s);
    rig.picker.setEntries({}); // and nothing listed: the list's place says so
    QCOMPARE(rig.label(u"placeholder"_s), u"The accounts could not be listed."_s);
    rig.picker.setError({});
    QVERIFY(!error->isVisible());
}

void tst_AccountPicker::activeProfileIsBold()
{
    PickerRig rig;
    rig.picker.setActiveProfile(u"analytics-dev/PowerUserAccess"_s);
    const QAbstractItemModel *model = rig.view()->model();
    QCOMPARE(rig.profileAt(1), u"analytics-dev/PowerUserAccess"_s);
    for (int column = 0; column < 3; ++column) {
        QVERIFY(model->index(1, column).data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(!model->index(0, column).data(Qt::FontRole).value<QFont>().bold());
    }
    QVERIFY(!model->index(1, 0).data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(model->index(0, 0).data(Qt::DecorationRole).value<QIcon>().isNull());
    rig.picker.setActiveProfile({});
    QVERIFY(!model->index(1, 0).data(Qt::FontRole).value<QFont>().bold());
}

void tst_AccountPicker::signInColumnOnlyWithSeveralSignIns()
{
    PickerRig rig;
    QVERIFY(rig.view()->isColumnHidden(3));
    QList<AccountPickerEntry> entries = manyEntries();
    entries.append(manyEntries(u"https://other.awsapps.com/start"_s).first());
    rig.picker.setEntries(entries);
    QVERIFY(!rig.view()->isColumnHidden(3));
    rig.type(u"other.awsapps"_s); // the sign-in is matched too
    QCOMPARE(rig.rows(), 1);
}

void tst_AccountPicker::refreshOnEveryShow()
{
    AccountPicker picker;
    QSignalSpy refresh(&picker, &AccountPicker::refreshRequested);
    picker.present();
    QCOMPARE(refresh.size(), 1);
    picker.present(); // already open: brought to the front only
    QCOMPARE(refresh.size(), 1);
    picker.hide();
    picker.show();
    QCOMPARE(refresh.size(), 2);
    QTest::mouseClick(picker.findChild<QPushButton *>(u"refresh"_s), Qt::LeftButton);
    QCOMPARE(refresh.size(), 3);
}

void tst_AccountPicker::accessibleNamesAndTabOrder()
{
    PickerRig rig;
    rig.picker.setSignIns({{u"key-1"_s, u"my-sso"_s, false}});
    QVERIFY(QTest::qWaitForWindowActive(&rig.picker));
    QTest::keyClick(rig.filter(), Qt::Key_Down); // something selected: Use is enabled
    const QList<QWidget *> expected{rig.filter(),
                                    rig.view(),
                                    rig.child<QPushButton>(u"signIn"_s),
                                    rig.child<QPushButton>(u"refresh"_s),
                                    rig.child<QPushButton>(u"use"_s),
                                    rig.child<QPushButton>(u"close"_s)};
    for (QWidget *widget : expected) {
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
        QVERIFY2(accessible && !accessible->text(QAccessible::Name).isEmpty(),
                 qPrintable(widget->objectName()));
    }
    for (const QLabel *label : rig.picker.findChildren<QLabel *>()) {
        if (label->isVisible())
            QVERIFY2(!label->text().isEmpty(), qPrintable(label->objectName()));
    }
    // Round the window and back to the filter: Tab from the last button leaves the buttons.
    for (qsizetype i = 1; i <= expected.size(); ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), expected.at(i % expected.size()));
    }
}

QTEST_MAIN(tst_AccountPicker)
#include "tst_accountpicker.moc"
