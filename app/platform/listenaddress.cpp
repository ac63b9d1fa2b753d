#include "listenaddress.h"

namespace imsa::app {

bool ListenAddress::isInstanceMetadataAddress() const
{
    return address == QHostAddress(QString(instanceMetadataAddress))
            && port == instanceMetadataPort;
}

QString ListenAddress::url() const
{
    QString host = address.toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    if (port != 80)
        host += QLatin1Char(':') + QString::number(port);
    return QStringLiteral("http://") + host + QLatin1Char('/');
}

Result<ListenAddress, Failure> ListenAddress::parse(const QString &text)
{
    QString host = text;
    QString portText;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0)
            return Failure{QStringLiteral("'%1': missing ']' after the IPv6 address").arg(text)};
        host = text.mid(1, close - 1);
        const QString rest = text.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(QLatin1Char(':')))
            return Failure{QStringLiteral("'%1': expected ':PORT' after ']'").arg(text)};
        portText = rest.mid(1);
    } else if (text.count(QLatin1Char(':')) == 1) {
        host = text.section(QLatin1Char(':'), 0, 0);
        portText = text.section(QLatin1Char(':'), 1);
    }
    ListenAddress result;
    if (!result.address.setAddress(host))
        return Failure{
                QStringLiteral(
                        "'%1' is not an IP address (expected ADDR:PORT, e.g. 127.0.0.1:9254)")
                        .arg(host)};
    result.port = 80;
    if (!portText.isEmpty()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port > 65535)
            return Failure{QStringLiteral("'%1' is not a port number (0..65535)").arg(portText)};
        result.port = static_cast<quint16>(port);
    }
    return result;
}

} // namespace imsa::app
