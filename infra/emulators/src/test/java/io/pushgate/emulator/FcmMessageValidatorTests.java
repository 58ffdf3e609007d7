package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FcmMessageValidatorTests {

    private final JsonMapper json = JsonMapper.shared();
    private final FcmMessageValidator validator = new FcmMessageValidator(json);

    private JsonNode parse(String text) {
        return json.readTree(text.replace('\'', '"'));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{'token':'t1','data':{'a':'b'}}",
                "{'fid':'f1'}",
                "{'topic':'news'}",
                "{'condition':'news in topics'}",
                "{'token':'t1','android':{'priority':'high','ttl':'600s','collapse_key':'c','data':{'x':'y'}}}",
                "{'token':'t1','android':{'priority':'NORMAL','ttl':'3.5s'}}",
                "{'token':'t1','notification':{'title':'t','body':'b'},'apns':{'headers':{'apns-priority':'10'},"
                        + "'payload':{'aps':{'mutable-content':1}}}}"
            })
    void acceptsValidMessages(String message) {
        assertThat(validator.validate(parse(message))).isEmpty();
    }

    @Test
    void requiresExactlyOneTarget() {
        assertThat(validator.validate(parse("{'data':{'a':'b'}}")))
                .hasValueSatisfying(problem -> assertThat(problem).contains("Exactly one"));
        assertThat(validator.validate(parse("{'token':'t','topic':'x'}")))
                .hasValueSatisfying(problem -> assertThat(problem).contains("found 2"));
    }

    @Test
    void requiresStringDataValues() {
        assertThat(validator.validate(parse("{'token':'t','data':{'count':1}}")))
                .hasValueSatisfying(
                        problem -> assertThat(problem).contains("message.data").contains("count"));
        assertThat(validator.validate(parse("{'token':'t','data':{'nested':{'a':'b'}}}")))
                .isPresent();
    }

    @Test
    void refusesReservedDataKeys() {
        assertThat(validator.validate(parse("{'token':'t','data':{'google.x':'1'}}")))
                .isPresent();
        assertThat(validator.validate(parse("{'token':'t','data':{'from':'1'}}")))
                .isPresent();
    }

    @Test
    void limitsThePayloadTo4096Bytes() {
        String fits = "a".repeat(4096 - "{'k':''}".length());
        String tooBig = fits + "a";
        assertThat(validator.validate(parse("{'token':'t','data':{'k':'" + fits + "'}}")))
                .isEmpty();
        assertThat(validator.validate(parse("{'token':'t','data':{'k':'" + tooBig + "'}}")))
                .hasValueSatisfying(problem -> assertThat(problem).contains("too big"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'urgent'", "1", "''"})
    void refusesAnInvalidAndroidPriority(String priority) {
        assertThat(validator.validate(parse("{'token':'t','android':{'priority':" + priority + "}}")))
                .hasValueSatisfying(problem -> assertThat(problem).contains("android.priority"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'10m'", "'-1s'", "600", "'2419201s'", "'1.0000000001s'"})
    void refusesAnInvalidAndroidTtl(String ttl) {
        assertThat(validator.validate(parse("{'token':'t','android':{'ttl':" + ttl + "}}")))
                .hasValueSatisfying(problem -> assertThat(problem).contains("android.ttl"));
    }

    @Test
    void refusesUnknownFieldsAndMalformedTokens() {
        assertThat(validator.validate(parse("{'token':'t','priority':'high'}")))
                .hasValueSatisfying(problem -> assertThat(problem).contains("Unknown name \"priority\""));
        assertThat(validator.validate(parse("{'token':'not a token'}")))
                .hasValueSatisfying(problem -> assertThat(problem).contains("registration token"));
        assertThat(validator.validate(parse("[]"))).isPresent();
    }

    @Test
    void aNullTargetBesideARealOneIsNoTarget() {
        assertThat(validator.validate(parse("{'token':null,'topic':'news'}"))).isEmpty();
        assertThat(validator.validate(parse("{'token':'t1','topic':null}"))).isEmpty();
    }

    @Test
    void tellsTokensAndTopicsByTheirCharactersAndLength() {
        String longest = "a".repeat(4096);
        assertThat(FcmMessageValidator.isToken("dGVzdA:APA91b-x_y.z")).isTrue();
        assertThat(FcmMessageValidator.isToken(longest)).isTrue();
        assertThat(FcmMessageValidator.isToken(longest + "a")).isFalse();
        assertThat(FcmMessageValidator.isToken("")).isFalse();
        for (String bad : new String[] {"a b", "a/b", "a~b", "a%b", "a+b", "ä"}) {
            assertThat(FcmMessageValidator.isToken(bad)).as(bad).isFalse();
        }
        assertThat(FcmMessageValidator.isTopic("news")).isTrue();
        assertThat(FcmMessageValidator.isTopic("/topics/news~1%20.x_y-z")).isTrue();
        assertThat(FcmMessageValidator.isTopic("n".repeat(900))).isTrue();
        assertThat(FcmMessageValidator.isTopic("/topics/" + "n".repeat(900))).isTrue();
        assertThat(FcmMessageValidator.isTopic("n".repeat(901))).isFalse();
        assertThat(FcmMessageValidator.isTopic("/topics/")).isFalse();
        assertThat(FcmMessageValidator.isTopic("news:1")).isFalse();
        assertThat(FcmMessageValidator.isTopic("/topics/a/b")).isFalse();
    }
}
