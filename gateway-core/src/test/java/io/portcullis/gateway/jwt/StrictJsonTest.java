package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The strict JSON reader of headers and claims: the same values as nimbus' JSON on every document
 * both accept, and refusals where nimbus was lenient (repeated names at any depth, lone surrogates,
 * invalid UTF-8, a byte order mark).
 */
class StrictJsonTest {

    private static Map<String, Object> parse(String json) throws ParseException {
        return StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> parse(byte[] json) throws ParseException {
        return StrictJson.parseObject(json);
    }

    private static void refused(String json) {
        assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(ParseException.class);
    }

    private static void refused(byte[] json) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(ParseException.class);
    }

    @Test
    void valuesAreTypedAsNimbusTypedThem() throws Exception {
        List<String> documents = List.of(
                "{}",
                " \t\r\n{ \"a\" : 1 , \"b\":[ ] ,\"c\":{ } } \n",
                "{\"int\":42,\"neg\":-7,\"zero\":0,\"negZero\":-0,\"frac\":1.5,\"one\":1.0,\"exp\":1e3,\"EXP\":1E+2,"
                        + "\"small\":1.5e-400,\"negFrac\":-0.0,\"max\":9223372036854775807,\"min\":-9223372036854775808,"
                        + "\"over\":9223372036854775808,\"under\":-9223372036854775809,\"huge\":12345678901234567890123,"
                        + "\"big\":1e308,\"digits18\":999999999999999999,\"digits19\":1000000000000000000}",
                "{\"t\":true,\"f\":false,\"n\":null,\"s\":\"text\",\"empty\":\"\",\"\":\"empty name\"}",
                "{\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"u\":\"\\u0041\\u00e9\\u20AC\\u0000\",\"pair\":\"\\ud83d\\ude00\"}",
                "{\"utf8\":\"h\u00e9llo \u20ac \ud83d\ude00 \u4e2d\",\"n\u00e4me\":1}",
                "{\"nested\":{\"a\":[1,[2,[3,{\"b\":null}]]],\"c\":{\"d\":\"e\"}},\"list\":[\"x\",1,2.5,true,null,{},[]]}",
                "{\"iss\":\"https:\\/\\/idp.test\",\"sub\":\"alice\",\"aud\":[\"a\",\"b\"],\"exp\":1700000000,\"scope\":\"a b\"}");
        for (String doc : documents) {
            assertThat(parse(doc)).as(doc).isEqualTo(JSONObjectUtils.parse(doc));
        }
        Map<String, Object> m = parse(documents.get(2));
        assertThat(m.get("negZero")).isEqualTo(0L);
        assertThat(m.get("one")).isEqualTo(1.0d);
        assertThat(m.get("exp")).isEqualTo(1000.0d);
        assertThat(m.get("over")).isInstanceOf(Double.class);
        assertThat(m.get("digits19")).isEqualTo(1_000_000_000_000_000_000L);
        assertThat(m.get("negFrac")).isEqualTo(-0.0d);
        assertThat(parse(documents.get(4)).get("u")).isEqualTo("A\u00e9\u20ac\0");
        assertThat(parse(documents.get(4)).get("pair")).isEqualTo("\ud83d\ude00");
    }

    @Test
    void repeatedNamesAreRefusedAtEveryDepth() {
        refused("{\"a\":1,\"a\":1}");
        refused("{\"a\":null,\"a\":null}");
        refused("{\"a\":1,\"\\u0061\":2}"); // the same name once escaped
        refused("{\"o\":{\"a\":1,\"a\":2}}"); // nimbus kept the last one here
        refused("{\"l\":[{\"x\":1,\"y\":2,\"x\":3}]}");
    }

    @Test
    void manyMembersAreCheckedForRepeatsToo() throws Exception {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < 100; i++) {
            sb.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":").append(i);
        }
        String distinct = sb + "}";
        StrictJson.Members members = new StrictJson.Members();
        assertThat(StrictJson.parseMembers(distinct.getBytes(StandardCharsets.UTF_8), members)).isEqualTo(100);
        assertThat(members.names[99]).isEqualTo("m99");
        assertThat(members.values[99]).isEqualTo(99L);
        for (String repeat : List.of("m0", "m31", "m32", "m50", "m99")) { // before, at and past the pairwise checks
            byte[] doc = (sb + ",\"" + repeat + "\":0}").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> StrictJson.parseMembers(doc, new StrictJson.Members())).as(repeat)
                    .isInstanceOf(ParseException.class);
        }
        assertThatThrownBy(() -> StrictJson.parseMembers("{\"a\":1,\"a\":null}".getBytes(StandardCharsets.UTF_8),
                new StrictJson.Members())).isInstanceOf(ParseException.class);
        assertThat(parse(distinct)).hasSize(100);
    }

    @Test
    void escapesAndSurrogates() throws Exception {
        refused("{\"a\":\"\\x\"}");
        refused("{\"a\":\"\\U0041\"}");
        refused("{\"a\":\"\\u004\"}");
        refused("{\"a\":\"\\u00g1\"}");
        refused("{\"a\":\"\\");
        refused("{\"a\":\"\\ud800\"}"); // lone high half: nimbus kept it
        refused("{\"a\":\"\\udc00\"}"); // lone low half
        refused("{\"a\":\"\\ud800\\u0041\"}");
        refused("{\"a\":\"\\ud800\\ud800\"}");
        refused("{\"a\":\"\\ude00\\ud83d\"}"); // halves in the wrong order
        refused("{\"a\":\"x\ty\"}"); // raw control characters must be escaped
        refused("{\"a\":\"x\u0001y\"}");
        refused("{\"a\":\"unterminated}");
        assertThat(parse("{\"a\":\"\\u0000\"}").get("a")).isEqualTo("\0");
        assertThat(parse("{\"\\u0000\":1}")).containsKey("\0");
        assertThat(parse("{\"a\":\"\\uD83D\\uDE00\"}").get("a")).isEqualTo("\ud83d\ude00");
    }

    @Test
    void onlyWellFormedUtf8IsRead() throws Exception {
        refused(bytes("{\"a\":\"", 0xC0, 0x80, "\"}"));          // overlong NUL
        refused(bytes("{\"a\":\"", 0xE0, 0x80, 0x80, "\"}"));    // overlong
        refused(bytes("{\"a\":\"", 0xED, 0xA0, 0x80, "\"}"));    // an encoded surrogate
        refused(bytes("{\"a\":\"", 0xF4, 0x90, 0x80, 0x80, "\"}")); // above U+10FFFF
        refused(bytes("{\"a\":\"", 0xF5, 0x80, 0x80, 0x80, "\"}"));
        refused(bytes("{\"a\":\"", 0x80, "\"}"));                // a stray continuation byte
        refused(bytes("{\"a\":\"", 0xC3, "\"}"));                // a truncated sequence
        refused(bytes("{\"a\":\"", 0xE2, 0x82, "\"}"));
        refused(bytes("{\"a\":\"", 0xFF, "\"}"));
        refused(bytes("{\"", 0xC3, 0x28, "\":1}"));              // in a name too
        refused(bytes(0xEF, 0xBB, 0xBF, "{\"a\":1}"));            // a byte order mark: nimbus skipped it
        assertThat(parse(bytes("{\"a\":\"", 0xF0, 0x9F, 0x98, 0x80, "\"}")).get("a")).isEqualTo("\ud83d\ude00");
        assertThat(parse(bytes("{\"a\":\"", 0xEF, 0xBF, 0xBF, "\"}")).get("a")).isEqualTo("\uffff");
    }

    @Test
    void structureAndNumbersAreStrict() {
        for (String doc : List.of("", " ", "[1]", "\"s\"", "1", "null", "{", "{\"a\":1", "{\"a\":1,}", "{,}", "{\"a\"}",
                "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":1}/*c*/", "{\"a\":1}\u00a0", "\u00a0{\"a\":1}", "{'a':1}", "{a:1}",
                "{\"a\";1}", "{\"a\"=1}", "{\"a\":1;\"b\":2}", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\":[1 2]}",
                "{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":1e+}",
                "{\"a\":0x10}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":1e400}", "{\"a\":-1e400}",
                "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}", "{\"a\":undefined}", "{#c\n\"a\":1}", "{\"a\":1\u000b}")) {
            refused(doc);
        }
    }

    @Test
    void nestingIsBoundedAsBefore() throws Exception {
        assertThat(parse(nested(StrictJson.MAX_DEPTH))).containsKey("a");
        assertThat(JSONObjectUtils.parse(nested(StrictJson.MAX_DEPTH))).containsKey("a");
        refused(nested(StrictJson.MAX_DEPTH + 1));
        assertThatThrownBy(() -> JSONObjectUtils.parse(nested(StrictJson.MAX_DEPTH + 1))).isInstanceOf(ParseException.class);
        refused(nested(100_000)); // refused at the limit, long before the stack could overflow
        refused("{\"a\":" + "[".repeat(100_000));
    }

    @Test
    void headersAreBoundedAsNimbusBoundedThem() throws Exception {
        String pad = "{\"alg\":\"HS256\",\"x\":\"\"}";
        String longest = "{\"alg\":\"HS256\",\"x\":\"" + "\u00e9".repeat(20_000 - pad.length()) + "\"}";
        assertThat(longest.length()).isEqualTo(com.nimbusds.jose.Header.MAX_HEADER_STRING_LENGTH);
        assertThat(TokenHeader.parse(longest.getBytes(StandardCharsets.UTF_8), "", 0).alg().getName()).isEqualTo("HS256");
        String over = longest.replace("\"x\"", "\"xy\"");
        assertThatThrownBy(() -> TokenHeader.parse(over.getBytes(StandardCharsets.UTF_8), "", 0)).isInstanceOf(ParseException.class);
    }

    @Test
    void utf16LengthCountsCharactersAsAStringWould() {
        String s = "a\u00e9\u20ac\ud83d\ude00";
        assertThat(StrictJson.utf16Length(s.getBytes(StandardCharsets.UTF_8))).isEqualTo(s.length());
    }

    /** An object holding {@code depth} nested arrays and objects below the top level. */
    private static String nested(int depth) {
        StringBuilder sb = new StringBuilder("{\"a\":");
        for (int i = 0; i < depth; i++) {
            sb.append(i % 2 == 0 ? "[" : "{\"k\":");
        }
        sb.append('1');
        for (int i = depth - 1; i >= 0; i--) {
            sb.append(i % 2 == 0 ? "]" : "}");
        }
        return sb.append('}').toString();
    }

    /** Bytes from strings (as UTF-8) and ints (as single bytes). */
    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }
}
