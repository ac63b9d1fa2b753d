#include <cstdlib>

#include <QDir>
#include <QIcon>
#include <QImage>
#include <QPainter>
#include <QTest>

#include "tray/trayicon.h"

using namespace Qt::StringLiterals;
using namespace imsa::tray;

Q_DECLARE_METATYPE(imsa::tray::IconState)

// The state icons load from the embedded SVGs (so Qt's SVG icon engine is there), render
// natively at 1× and 2×, show on dark and light panels, and tell the states apart by shape
// alone, for users who don't see the colours.
namespace {

constexpr int traySize = 22;

struct NamedState
{
    const char *name;
    IconState state;
};

constexpr NamedState states[] = {{"idle", IconState::Idle},
                                 {"active", IconState::Active},
                                 {"expiring", IconState::Expiring},
                                 {"needs MFA", IconState::NeedsMfa},
                                 {"error", IconState::Error}};

// A dark panel (Xfce's and Plasma's dark themes, GNOME's top bar) and a light one.
const QColor darkPanel(0x2b, 0x2b, 0x2b);
const QColor lightPanel(0xf0, 0xf0, 0xf0);

QImage render(IconState state, qreal scale)
{
    return TrayIcon::icon(state)
            .pixmap(QSize(traySize, traySize), scale)
            .toImage()
            .convertToFormat(QImage::Format_ARGB32);
}

/// What is left of an icon when its colours are gone: where its brightness or its opacity
/// changes from one pixel to the next, its outlines. Two icons that differ only in colour
/// have the same outlines.
QList<bool> outlines(const QImage &image)
{
    constexpr int alphaStep = 64;
    constexpr int brightnessStep = 40;
    const auto brightness = [&image](int x, int y) {
        const QRgb pixel = image.pixel(x, y);
        return qGray(pixel) * qAlpha(pixel) / 255; // as over black: transparent is dark
    };
    const auto differs = [&](int x, int y, int otherX, int otherY) {
        return std::abs(qAlpha(image.pixel(x, y)) - qAlpha(image.pixel(otherX, otherY))) > alphaStep
                || std::abs(brightness(x, y) - brightness(otherX, otherY)) > brightnessStep;
    };
    QList<bool> edges;
    for (int y = 0; y + 1 < image.height(); ++y) {
        for (int x = 0; x + 1 < image.width(); ++x)
            edges.append(differs(x, y, x + 1, y) || differs(x, y, x, y + 1));
    }
    return edges;
}

/// The share of the icon's square that stands out from `panel` by at least a third of the
/// scale from black to white.
double shareStandingOut(const QImage &icon, const QColor &panel)
{
    QImage onPanel(icon.size(), QImage::Format_RGB32);
    onPanel.fill(panel);
    QPainter(&onPanel).drawImage(0, 0, icon);
    int standingOut = 0;
    for (int y = 0; y < onPanel.height(); ++y) {
        for (int x = 0; x < onPanel.width(); ++x) {
            if (std::abs(qGray(onPanel.pixel(x, y)) - qGray(panel.rgb())) > 255 / 3)
                ++standingOut;
        }
    }
    return double(standingOut) / (onPanel.width() * onPanel.height());
}

/// The five icons (idle, active, expiring, needs MFA, error) on a dark and a light panel at 1×
/// (30 px high) and at 2× (60 px), in device pixels: the picture for the README.
QImage iconSheet()
{
    constexpr int column = 64;
    QImage sheet(column * 5, 3 * 2 * 30, QImage::Format_RGB32);
    QPainter painter(&sheet);
    int top = 0;
    for (qreal scale : {1.0, 2.0}) {
        for (const QColor &panel : {darkPanel, lightPanel}) {
            const int height = int(30 * scale);
            painter.fillRect(0, top, sheet.width(), height, panel);
            for (int i = 0; i < 5; ++i) {
                QImage icon = render(states[i].state, scale);
                icon.setDevicePixelRatio(1); // placed pixel for pixel
                painter.drawImage((column - icon.width()) / 2 + i * column,
                                  top + (height - icon.height()) / 2, icon);
            }
            top += height;
        }
    }
    return sheet;
}

} // namespace

class tst_TrayIcon : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void iconRendersAtTraySize_data();
    void iconRendersAtTraySize();
    void legibleOnDarkAndLightPanels_data();
    void legibleOnDarkAndLightPanels();
    void statesDifferInShapeNotOnlyColour_data();
    void statesDifferInShapeNotOnlyColour();
    void sheetForTheReadme();
    void applicationIconIsEmbedded();
};

void tst_TrayIcon::iconRendersAtTraySize_data()
{
    QTest::addColumn<IconState>("state");
    QTest::addColumn<qreal>("scale");
    for (const NamedState &named : states) {
        QTest::addRow("%s 1x", named.name) << named.state << 1.0;
        QTest::addRow("%s 2x", named.name) << named.state << 2.0;
    }
}

void tst_TrayIcon::iconRendersAtTraySize()
{
    QFETCH(IconState, state);
    QFETCH(qreal, scale);
    const QPixmap pixmap = TrayIcon::icon(state).pixmap(QSize(traySize, traySize), scale);
    QVERIFY2(!pixmap.isNull(), "no SVG icon engine (Debian: libqt6svg6)?");
    // Drawn for the device pixels (the SVG engine renders at 44 px for a 2× screen), not a
    // 22 px picture blown up.
    QCOMPARE(pixmap.size(), QSize(traySize, traySize) * scale);
    QCOMPARE(pixmap.devicePixelRatio(), scale);
    const QImage image = pixmap.toImage();
    const int middle = image.width() / 2;
    QVERIFY(qAlpha(image.pixel(middle, int(2 * scale))) > 0); // the disc or ring reaches the top
    QCOMPARE(qAlpha(image.pixel(0, 0)), 0); // and leaves the corners transparent
}

void tst_TrayIcon::legibleOnDarkAndLightPanels_data()
{
    QTest::addColumn<IconState>("state");
    QTest::addColumn<QColor>("panel");
    for (const NamedState &named : states) {
        QTest::addRow("%s, dark panel", named.name) << named.state << darkPanel;
        QTest::addRow("%s, light panel", named.name) << named.state << lightPanel;
    }
}

void tst_TrayIcon::legibleOnDarkAndLightPanels()
{
    QFETCH(IconState, state);
    QFETCH(QColor, panel);
    // A white glyph alone on a dark disc is a speck on a dark panel: a rim or outline that
    // stands out has to come with it. A tenth of the square is about a glyph and a rim.
    const double share = shareStandingOut(render(state, 1), panel);
    QVERIFY2(share >= 0.10, qPrintable(u"only %1% of the icon stands out"_s.arg(share * 100)));
}

void tst_TrayIcon::statesDifferInShapeNotOnlyColour_data()
{
    QTest::addColumn<qreal>("scale");
    QTest::addRow("1x") << 1.0;
    QTest::addRow("2x") << 2.0;
}

void tst_TrayIcon::statesDifferInShapeNotOnlyColour()
{
    QFETCH(qreal, scale);
    // At 22 px a glyph of its own changes the outlines of 50 pixels and more; a change of
    // colour alone, a few along anti-aliased edges.
    const qsizetype enough = qsizetype(24 * scale * scale);
    for (const NamedState &one : states) {
        const QList<bool> oneOutlines = outlines(render(one.state, scale));
        for (const NamedState &other : states) {
            if (&other <= &one)
                continue;
            const QList<bool> otherOutlines = outlines(render(other.state, scale));
            qsizetype different = 0;
            for (qsizetype i = 0; i < oneOutlines.size(); ++i)
                different += oneOutlines[i] != otherOutlines[i];
            QVERIFY2(different >= enough,
                     qPrintable(u"%1 and %2 differ in %3 outline pixels only"_s
                                        .arg(QLatin1StringView(one.name),
                                             QLatin1StringView(other.name))
                                        .arg(different)));
        }
    }
}

void tst_TrayIcon::sheetForTheReadme()
{
    const QImage sheet = iconSheet();
    QVERIFY(!sheet.isNull());
    // scripts or a developer refresh docs/screenshots/tray-icons.png with this variable set.
    const QString directory = qEnvironmentVariable("IMSA_SCREENSHOT_DIR");
    if (!directory.isEmpty()) {
        QVERIFY(QDir().mkpath(directory));
        QVERIFY(sheet.save(directory + u"/tray-icons.png"_s));
    }
}

void tst_TrayIcon::applicationIconIsEmbedded()
{
    QVERIFY(!QIcon(QStringLiteral(":/icons/imsa.svg")).pixmap(48, 48).isNull());
}

QTEST_MAIN(tst_TrayIcon)
#include "tst_trayicon.moc"
