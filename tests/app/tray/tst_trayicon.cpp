#include <QIcon>
#include <QImage>
#include <QTest>

#include "tray/trayicon.h"

using namespace imsa::tray;

Q_DECLARE_METATYPE(imsa::tray::IconState)

// The state icons load from the embedded SVGs (so Qt's SVG icon engine is there) and tell the
// states apart at tray size.
class tst_TrayIcon : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void iconRendersAtTraySize_data();
    void iconRendersAtTraySize();
    void statesLookDifferent();
    void applicationIconIsEmbedded();
};

void tst_TrayIcon::iconRendersAtTraySize_data()
{
    QTest::addColumn<IconState>("state");
    QTest::addRow("idle") << IconState::Idle;
    QTest::addRow("active") << IconState::Active;
    QTest::addRow("expiring") << IconState::Expiring;
    QTest::addRow("needs MFA") << IconState::NeedsMfa;
    QTest::addRow("error") << IconState::Error;
}

void tst_TrayIcon::iconRendersAtTraySize()
{
    QFETCH(IconState, state);
    const QImage image = TrayIcon::icon(state).pixmap(22, 22).toImage();
    QVERIFY2(!image.isNull(), "no SVG icon engine (Debian: libqt6svg6)?");
    QCOMPARE(image.size(), QSize(22, 22));
    QVERIFY(qAlpha(image.pixel(11, 2)) > 0); // the disc or ring reaches the top edge
    QCOMPARE(qAlpha(image.pixel(0, 0)), 0); // and leaves the corners transparent
}

void tst_TrayIcon::statesLookDifferent()
{
    QList<QImage> images;
    for (IconState state : {IconState::Idle, IconState::Active, IconState::Expiring,
                            IconState::NeedsMfa, IconState::Error}) {
        const QImage image = TrayIcon::icon(state).pixmap(22, 22).toImage();
        QVERIFY(!images.contains(image));
        images.append(image);
    }
}

void tst_TrayIcon::applicationIconIsEmbedded()
{
    QVERIFY(!QIcon(QStringLiteral(":/icons/imsa.svg")).pixmap(48, 48).isNull());
}

QTEST_MAIN(tst_TrayIcon)
#include "tst_trayicon.moc"
