package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EdgeRequestIdTest {

    @Test
    void theFirstAttemptKeepsThePlainIdAndLaterOnesCarryTheirNumber() {
        assertThat(new EdgeRequestId("edge-1", "asset-7", 0)).hasToString("edge-1/asset-7");
        assertThat(new EdgeRequestId("edge-1", "asset-7", 2)).hasToString("edge-1/asset-7#2");
    }

    @Test
    void theAttemptIsReadBackFromTheId() {
        assertThat(EdgeRequestId.attemptOf("edge-1/asset-7")).isZero();
        assertThat(EdgeRequestId.attemptOf("edge-1/asset-7#2")).isEqualTo(2);
        // ids of other producers (the demo's simulator, a '#' inside the edge id) are first attempts
        assertThat(EdgeRequestId.attemptOf("req-asset-7")).isZero();
        assertThat(EdgeRequestId.attemptOf("edge#3/asset-7")).isZero();
        assertThat(EdgeRequestId.attemptOf("edge-1/asset-7#x")).isZero();
    }

    @Test
    void onlyIdsTheEdgesToolsSendAreItsOwn() {
        assertThat(EdgeRequestId.isOwnRequest("edge-1/asset-7", "edge-1", "asset-7")).isTrue();
        assertThat(EdgeRequestId.isOwnRequest("edge-1/asset-7#3", "edge-1", "asset-7")).isTrue();
        assertThat(EdgeRequestId.isOwnRequest("req-asset-7", "edge-1", "asset-7")).isFalse();
        assertThat(EdgeRequestId.isOwnRequest("edge-2/asset-7", "edge-1", "asset-7")).isFalse();
        assertThat(EdgeRequestId.isOwnRequest("edge-1/asset-8", "edge-1", "asset-7")).isFalse();
        assertThat(EdgeRequestId.isOwnRequest("edge-1/asset-7#0", "edge-1", "asset-7")).isFalse();
    }

    @Test
    void ranksOfALaterAttemptAreAboveEveryRankOfAnEarlierOne() {
        assertThat(EdgeAssetStatus.REQUESTING.rankIn(1)).isGreaterThan(EdgeAssetStatus.FAILED.rankIn(0));
        assertThat(EdgeAssetStatus.EXPIRED.rankIn(0)).isGreaterThan(EdgeAssetStatus.REQUESTED.rankIn(0));
        assertThatThrownBy(() -> new EdgeRequestId("e", "a", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
