// The launcher's JSON reader: what it accepts, what it refuses, and the values it gives.
#include <QTest>

#include "runtime/json.h"

using namespace imsa::runtime;
using namespace Qt::StringLiterals;

class tst_Json : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsValidDocuments_data();
    void acceptsValidDocuments();
    void refusesInvalidDocuments_data();
    void refusesInvalidDocuments();
    void stringEscapesAndUtf8_data();
    void stringEscapesAndUtf8();
    void numbers_data();
    void numbers();
    void lookupsAnswerAbsentForTheWrongType();
    void nestingIsBounded();
};

void tst_Json::acceptsValidDocuments_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("empty object") << "{}"_ba;
    QTest::newRow("white space around and inside") << " \t\r\n{ \"a\" : [ 1 , true ] }\n"_ba;
    QTest::newRow("scalars at the top") << "null"_ba;
    QTest::newRow("a status reply")
            << R"({"v":1,"id":"1","ok":true,"result":{"pid":42,"warnings":["w"],"profile":null}})"_ba;
    QTest::newRow("empty containers") << R"({"a":[],"b":{},"c":""})"_ba;
}

void tst_Json::acceptsValidDocuments()
{
    QFETCH(QByteArray, text);
    QVERIFY(parseJson(text.toStdString()).has_value());
}

void tst_Json::refusesInvalidDocuments_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("nothing") << ""_ba;
    QTest::newRow("only space") << "  "_ba;
    QTest::newRow("trailing comma in object") << R"({"a":1,})"_ba;
    QTest::newRow("trailing comma in array") << "[1,]"_ba;
    QTest::newRow("unquoted key") << "{a:1}"_ba;
    QTest::newRow("single quotes") << "{'a':1}"_ba;
    QTest::newRow("duplicate key") << R"({"a":1,"a":2})"_ba;
    QTest::newRow("two documents") << "{} {}"_ba;
    QTest::newRow("comment") << "{} // x"_ba;
    QTest::newRow("unterminated string") << R"({"a":"b)"_ba;
    QTest::newRow("raw line break in string") << "{\"a\":\"b\nc\"}"_ba;
    QTest::newRow("unknown escape") << R"(["\x41"])"_ba;
    QTest::newRow("short unicode escape") << R"(["\u12"])"_ba;
    QTest::newRow("lone high surrogate") << R"(["\ud800"])"_ba;
    QTest::newRow("lone low surrogate") << R"(["\udc00"])"_ba;
    QTest::newRow("high surrogate then letter") << R"(["\ud800\u0041"])"_ba;
    QTest::newRow("invalid UTF-8 byte") << "[\"\xff\"]"_ba;
    QTest::newRow("truncated UTF-8") << "[\"\xc3\"]"_ba;
    QTest::newRow("overlong UTF-8") << "[\"\xc0\xaf\"]"_ba;
    QTest::newRow("UTF-8 surrogate") << "[\"\xed\xa0\x80\"]"_ba;
    QTest::newRow("beyond U+10FFFF") << "[\"\xf4\x90\x80\x80\"]"_ba;
    QTest::newRow("leading zero") << "[01]"_ba;
    QTest::newRow("plus sign") << "[+1]"_ba;
    QTest::newRow("bare point") << "[1.]"_ba;
    QTest::newRow("bare exponent") << "[1e]"_ba;
    QTest::newRow("hex number") << "[0x10]"_ba;
    QTest::newRow("out of range") << "[1e999]"_ba;
    QTest::newRow("NaN") << "[NaN]"_ba;
    QTest::newRow("misspelt literal") << "[tru]"_ba;
    QTest::newRow("literal with tail") << "[nullx]"_ba;
    QTest::newRow("unclosed array") << "[1"_ba;
    QTest::newRow("missing colon") << R"({"a" 1})"_ba;
}

void tst_Json::refusesInvalidDocuments()
{
    QFETCH(QByteArray, text);
    QVERIFY(!parseJson(text.toStdString()).has_value());
}

void tst_Json::stringEscapesAndUtf8_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("utf8");

    QTest::newRow("plain") << R"("abc")"_ba
                           << "abc"_ba;
    QTest::newRow("short escapes") << R"("\"\\\/\b\f\n\r\t")"_ba
                                   << "\"\\/\b\f\n\r\t"_ba;
    QTest::newRow("two-byte escape") << R"("\u00e9")"_ba
                                     << "\xc3\xa9"_ba;
    QTest::newRow("three-byte escape") << R"("\u20AC")"_ba
                                       << "\xe2\x82\xac"_ba;
    QTest::newRow("surrogate pair") << R"("\ud83d\ude00")"_ba
                                    << "\xf0\x9f\x98\x80"_ba;
    QTest::newRow("NUL escape") << R"("a\u0000b")"_ba << QByteArray("a\0b", 3);
    QTest::newRow("raw UTF-8 kept") << "\"gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80\""_ba
                                    << "gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80"_ba;
}

void tst_Json::stringEscapesAndUtf8()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, utf8);
    const std::optional<JsonValue> value = parseJson(json.toStdString());
    QVERIFY(value && value->string());
    QCOMPARE(QByteArray::fromStdString(*value->string()), utf8);
}

void tst_Json::numbers_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<double>("expected");

    QTest::newRow("zero") << "0"_ba << 0.0;
    QTest::newRow("negative") << "-17"_ba << -17.0;
    QTest::newRow("a pid") << "4194304"_ba << 4194304.0;
    QTest::newRow("fraction") << "2.5"_ba << 2.5;
    QTest::newRow("exponent") << "-1.5E+3"_ba << -1500.0;
    QTest::newRow("negative exponent") << "25e-1"_ba << 2.5;
}

void tst_Json::numbers()
{
    QFETCH(QByteArray, json);
    QFETCH(double, expected);
    const std::optional<JsonValue> value = parseJson(json.toStdString());
    QVERIFY(value && value->number());
    QCOMPARE(*value->number(), expected);
}

void tst_Json::lookupsAnswerAbsentForTheWrongType()
{
    const std::optional<JsonValue> value =
            parseJson(R"({"s":"text","n":3,"b":false,"a":[1],"o":{"x":"y"},"z":null})");
    QVERIFY(value && value->isObject());
    QCOMPARE(value->stringMember("s"), std::string_view("text"));
    QCOMPARE(value->stringMember("n"), std::string_view()); // a number is not a string
    QCOMPARE(value->stringMember("missing"), std::string_view());
    QCOMPARE(value->member("n")->number(), std::optional<double>(3));
    QCOMPARE(value->member("b")->boolean(), std::optional<bool>(false));
    QVERIFY(!value->member("s")->boolean());
    QVERIFY(!value->member("s")->number());
    QCOMPARE(value->member("a")->array()->size(), 1U);
    QVERIFY(!value->member("a")->object());
    QCOMPARE(value->member("o")->stringMember("x"), std::string_view("y"));
    QVERIFY(value->member("z")->isNull());
    QVERIFY(!value->member("s")->member("x")); // members of a string: none
}

void tst_Json::nestingIsBounded()
{
    const auto nested = [](int depth) {
        return std::string(static_cast<std::size_t>(depth), '[')
                + std::string(static_cast<std::size_t>(depth), ']');
    };
    QVERIFY(parseJson(nested(32)).has_value());
    QVERIFY(!parseJson(nested(33)).has_value());
    // Deep input fails cleanly instead of exhausting the stack.
    QVERIFY(!parseJson(nested(100000)).has_value());
}

QTEST_GUILESS_MAIN(tst_Json)
#include "tst_json.moc"
