// The "Recent use" window: it shows lines appended while it is open (its timer reads the log),
// and the filter narrows the rows to a profile or program.
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include "service/accesslog.h"
#include "tray/recentusewindow.h"

using namespace imsa;
using namespace imsa::app;
using namespace imsa::tray;
using namespace Qt::StringLiterals;

namespace {

AccessEvent use(const QString &profile, const QString &executable)
{
    AccessEvent event;
    event.time = QDateTime::currentDateTimeUtc();
    event.profile = profile;
    event.route = u"imds"_s;
    event.result = u"served"_s;
    event.uid = 1000;
    event.pid = 42;
    event.executable = executable;
    return event;
}

} // namespace

class tst_RecentUseWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsLinesAppendedWhileOpen();
};

void tst_RecentUseWindow::showsLinesAppendedWhileOpen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"access.log"_s);
    AccessLog log(path);
    log.append(use(u"prod"_s, u"/usr/bin/aws"_s));

    RecentUseWindow window(path);
    window.setAttribute(Qt::WA_DeleteOnClose, false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto *view = window.findChild<QTreeView *>(u"uses"_s);
    QVERIFY(view);
    QCOMPARE(view->model()->rowCount(), 1);

    log.append(use(u"dev"_s, u"/usr/bin/curl"_s));
    QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, RecentUseWindow::refreshMsecs * 3);

    auto *filter = window.findChild<QLineEdit *>(u"filter"_s);
    QTest::keyClicks(filter, u"curl"_s);
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->index(0, 0).data().toString(), u"dev"_s);
}

QTEST_MAIN(tst_RecentUseWindow)
#include "tst_recentusewindow.moc"
