package org.casebridge.customers;

import org.casebridge.customers.IdentityStore.HousingDetails;
import org.casebridge.customers.IdentityStore.Identity;
import org.casebridge.customers.IdentityStore.IdentityConflictException;
import org.casebridge.customers.IdentityStore.Key;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the identity store promises, on whichever database {@link #db()} gives: the same tests run on H2 and on a real
 * PostgreSQL server.
 */
abstract class IdentityStoreContract {

    abstract IdentityDatabase db();

    private IdentityStore store() {
        return db().identities;
    }

    private CustomerMerges merges() {
        return db().merges;
    }

    private CustomerCases cases() {
        return db().cases;
    }

    private static Customer webform(String name, String email, String phone) {
        return new Customer(name, email, phone, null, null, null, null);
    }

    private static Customer platform(String phone, String platformUserId) {
        return new Customer(null, null, phone, null, platformUserId, null, null);
    }

    private static String unique(String local) {
        return local + "-" + System.nanoTime() + "@example.org";
    }

    private static String uniquePhone() {
        return "+447700" + String.format("%06d", (System.nanoTime() / 1000) % 1_000_000);
    }

    private HousingDetails housing(String housingId, Key... others) {
        return new HousingDetails(housingId, "Amira Hassan", "T-" + housingId, "P-" + housingId, List.of("vulnerable"), List.of(others));
    }

    @Test
    void recordsEverySenderIdentityAsMessagesArrive() {
        String email = unique("amira");
        String phone = uniquePhone();
        String customer = store().recordSender(Channel.WEBFORM, webform("Amira", email.toUpperCase(), phone)).orElseThrow();

        assertThat(store().identitiesOf(customer)).containsExactly(
                new Identity("email", email, false, "message:webform"),
                new Identity("phone", phone, false, "message:webform"));
        assertThat(store().customerFor(Channel.EMAIL, email.toUpperCase())).contains(customer);

        // the same phone on WhatsApp: inferred to be the same customer, and only inferred
        String again = store().recordSender(Channel.WHATSAPP, platform(phone, phone.substring(1))).orElseThrow();
        assertThat(again).isEqualTo(customer);
        assertThat(store().identitiesOf(customer)).contains(new Identity("whatsapp", phone.substring(1), false, "message:whatsapp"));
        assertThat(store().customerFor(Channel.WHATSAPP, phone.substring(1))).contains(customer);
        assertThat(store().customerFor(Channel.SMS, phone)).contains(customer);
        assertThat(store().isVerified("phone", phone)).isFalse();
    }

    @Test
    void neverMergesCustomersOnAnInferredLink() {
        String a = store().recordSender(Channel.EMAIL, webform(null, unique("a"), null)).orElseThrow();
        String phone = uniquePhone();
        String b = store().recordSender(Channel.SMS, platform(phone, null)).orElseThrow();
        assertThat(a).isNotEqualTo(b);

        // a web form naming a's email and b's phone: evidence, not proof; the two stay apart
        String email = store().identitiesOf(a).get(0).address();
        String owner = store().recordSender(Channel.WEBFORM, webform(null, email, phone)).orElseThrow();
        assertThat(owner).isEqualTo(a);
        assertThat(store().customerFor("phone", phone)).contains(b);
        assertThat(store().find(b).orElseThrow().mergedInto()).isNull();
    }

    @Test
    void housingSystemLinksAreVerifiedAndCarryItsDetails() {
        String email = unique("tenant");
        String otherPhone = uniquePhone();
        String customer = store().recordSender(Channel.EMAIL, webform(null, email, null)).orElseThrow();
        String housingId = "HC-" + System.nanoTime();

        String linked = store().linkVerified(new Key("email", email), housing(housingId, new Key("phone", otherPhone)), "rest:housing");

        assertThat(linked).isEqualTo(customer);
        IdentityStore.CustomerRecord record = store().find(customer).orElseThrow();
        assertThat(record.housingCustomerId()).isEqualTo(housingId);
        assertThat(record.tenancyRef()).isEqualTo("T-" + housingId);
        assertThat(record.flags()).containsExactly("vulnerable");
        assertThat(record.identities()).containsExactlyInAnyOrder(
                new Identity("email", email, true, "rest:housing"),
                new Identity("phone", otherPhone, true, "rest:housing"));
        assertThat(store().customerForHousingId(housingId)).contains(customer);
    }

    @Test
    void housingSystemAnswerMergesTheInferredCustomerAuditedAndReversibly() {
        String email = unique("known");
        String housingId = "HC-" + System.nanoTime();
        String known = store().recordSender(Channel.EMAIL, webform(null, email, null)).orElseThrow();
        store().linkVerified(new Key("email", email), housing(housingId), "rest:housing");
        // the same tenant writes on WhatsApp: a customer of its own until the housing system recognises the number
        String phone = uniquePhone();
        String stranger = store().recordSender(Channel.WHATSAPP, platform(phone, phone.substring(1))).orElseThrow();
        assertThat(stranger).isNotEqualTo(known);

        assertThat(store().linkVerified(new Key("phone", phone), housing(housingId), "rest:housing")).isEqualTo(known);

        assertThat(store().customerFor("phone", phone)).contains(known);
        assertThat(store().isVerified("phone", phone)).isTrue();
        assertThat(store().customerFor("whatsapp", phone.substring(1))).contains(known);
        assertThat(store().find(stranger).orElseThrow().mergedInto()).isEqualTo(known);
        CustomerMerges.Merge merge = merges().mergesOf(known).get(0);
        assertThat(merge.mergedBy()).isEqualTo("housing-system");
        assertThat(merge.reason()).contains("phone:" + phone).contains(housingId);

        merges().unmerge(merge.mergeId(), "alice", "wrong number in the housing system");
        assertThat(store().identitiesOf(stranger)).containsExactlyInAnyOrder(
                new Identity("phone", phone, false, "message:whatsapp"),
                new Identity("whatsapp", phone.substring(1), false, "message:whatsapp"));
    }

    @Test
    void operatorMergeIsAuditedAndUnmergeRestoresExactlyThePreviousLinks() {
        String emailA = unique("a");
        String phoneA = uniquePhone();
        String a = store().recordSender(Channel.WEBFORM, webform("A", emailA, phoneA)).orElseThrow();
        String housingB = "HC-" + System.nanoTime();
        String emailB = unique("b");
        String b = store().recordSender(Channel.EMAIL, webform("B", emailB, null)).orElseThrow();
        store().linkVerified(new Key("email", emailB), housing(housingB), "sql:housing");
        store().recordSender(Channel.TELEGRAM, new Customer(null, null, null, "@bee", "tg-" + System.nanoTime(), null, null));
        List<Identity> linksOfA = store().identitiesOf(a);
        List<Identity> linksOfB = store().identitiesOf(b);

        CustomerMerges.Merge merge = merges().merge(a, b, "alice", "same tenant, confirmed by phone call");

        assertThat(merge.sourceCustomerId()).isEqualTo(b);
        assertThat(merge.targetCustomerId()).isEqualTo(a);
        assertThat(merge.mergedBy()).isEqualTo("alice");
        assertThat(merge.reason()).isEqualTo("same tenant, confirmed by phone call");
        assertThat(merge.mergedAt()).isNotNull();
        assertThat(merge.movedLinks()).containsExactlyInAnyOrderElementsOf(linksOfB);
        assertThat(store().identitiesOf(a)).hasSize(linksOfA.size() + linksOfB.size());
        assertThat(store().identitiesOf(b)).isEmpty();
        assertThat(store().customerFor("email", emailB)).contains(a);
        assertThat(store().find(a).orElseThrow().housingCustomerId()).isEqualTo(housingB);
        assertThat(store().find(b).orElseThrow().mergedInto()).isEqualTo(a);

        CustomerMerges.Merge undone = merges().unmerge(merge.mergeId(), "bob", "they are twins");

        assertThat(store().identitiesOf(a)).containsExactlyElementsOf(linksOfA);
        assertThat(store().identitiesOf(b)).containsExactlyElementsOf(linksOfB);
        assertThat(store().find(b).orElseThrow().mergedInto()).isNull();
        assertThat(store().find(b).orElseThrow().housingCustomerId()).isEqualTo(housingB);
        assertThat(store().find(a).orElseThrow().housingCustomerId()).isNull();
        assertThat(undone.unmergedBy()).isEqualTo("bob");
        assertThat(undone.unmergeReason()).isEqualTo("they are twins");
        assertThat(undone.unmergedAt()).isNotNull();
        assertThat(merges().mergesOf(a)).extracting(CustomerMerges.Merge::mergeId).containsExactly(merge.mergeId());
    }

    @Test
    void refusesMergesThatCannotBeRight() {
        String a = store().recordSender(Channel.EMAIL, webform(null, unique("a"), null)).orElseThrow();
        String b = store().recordSender(Channel.EMAIL, webform(null, unique("b"), null)).orElseThrow();
        String c = store().recordSender(Channel.EMAIL, webform(null, unique("c"), null)).orElseThrow();

        assertThatThrownBy(() -> merges().merge(a, a, "alice", "x")).isInstanceOf(IdentityConflictException.class)
                .hasMessageContaining("itself");
        assertThatThrownBy(() -> merges().merge(a, "CU-NOTHERE", "alice", "x"))
                .isInstanceOfSatisfying(IdentityConflictException.class, e -> assertThat(e.notFound()).isTrue());

        store().linkVerified(store().identitiesOf(a).get(0).key(), housing("HC-A" + System.nanoTime()), "rest:housing");
        store().linkVerified(store().identitiesOf(b).get(0).key(), housing("HC-B" + System.nanoTime()), "rest:housing");
        assertThatThrownBy(() -> merges().merge(a, b, "alice", "x"))
                .isInstanceOfSatisfying(IdentityConflictException.class, e -> assertThat(e.slug()).isEqualTo("different-housing-customers"));

        CustomerMerges.Merge first = merges().merge(c, a, "alice", "x");
        assertThatThrownBy(() -> merges().merge(b, a, "alice", "again")).isInstanceOfSatisfying(IdentityConflictException.class,
                e -> assertThat(e.slug()).isEqualTo("customer-merged"));
        merges().unmerge(first.mergeId(), "alice", "undo");
        assertThatThrownBy(() -> merges().unmerge(first.mergeId(), "alice", "undo twice"))
                .isInstanceOfSatisfying(IdentityConflictException.class, e -> assertThat(e.slug()).isEqualTo("already-unmerged"));
    }

    @Test
    void anUnmergeWaitsForTheMergesMadeSince() {
        String a = store().recordSender(Channel.EMAIL, webform(null, unique("a"), null)).orElseThrow();
        String b = store().recordSender(Channel.EMAIL, webform(null, unique("b"), null)).orElseThrow();
        String c = store().recordSender(Channel.EMAIL, webform(null, unique("c"), null)).orElseThrow();
        CustomerMerges.Merge bIntoA = merges().merge(a, b, "alice", "one");
        CustomerMerges.Merge aIntoC = merges().merge(c, a, "alice", "two");

        assertThatThrownBy(() -> merges().unmerge(bIntoA.mergeId(), "alice", "too early"))
                .isInstanceOfSatisfying(IdentityConflictException.class, e -> assertThat(e.slug()).isEqualTo("merged-since"));

        merges().unmerge(aIntoC.mergeId(), "alice", "undo two");
        merges().unmerge(bIntoA.mergeId(), "alice", "undo one");
        assertThat(store().identitiesOf(a)).hasSize(1);
        assertThat(store().identitiesOf(b)).hasSize(1);
        assertThat(store().identitiesOf(c)).hasSize(1);
    }

    @Test
    void aWeakSignalNeverJoinsAnotherCustomersCase() {
        String email = unique("tenant");
        String phone = uniquePhone();
        String caseId = "CB-" + caseSuffix();
        db().openCase(caseId, "email", email, IdentityDatabase.minutesAgo(5));
        String customer = store().recordSender(Channel.EMAIL, webform(null, email, null)).orElseThrow();
        store().linkVerified(new Key("email", email), housing("HC-" + System.nanoTime()), "rest:housing");
        // a web form gives the same email with a phone number: the phone is linked, but only inferred
        store().recordSender(Channel.WEBFORM, webform(null, email, phone));
        assertThat(store().customerFor(Channel.SMS, phone)).contains(customer);

        assertThat(cases().mayJoin(caseId, Channel.EMAIL, email)).as("a participant, by the channel's own threading").isTrue();
        assertThat(cases().mayJoin(caseId, Channel.SMS, phone)).as("an unverified link").isFalse();
        assertThat(cases().mayJoin(caseId, Channel.SMS, uniquePhone())).as("a stranger").isFalse();
        assertThat(cases().openCasesOf(customer)).containsExactly(caseId);

        // once the housing system confirms the number, the link is verified and may join
        store().linkVerified(new Key("phone", phone), housing(store().find(customer).orElseThrow().housingCustomerId()), "rest:housing");
        assertThat(cases().mayJoin(caseId, Channel.SMS, phone)).isTrue();
    }

    @Test
    void openCasesOfACustomerSpanItsChannels() {
        String email = unique("multi");
        String phone = uniquePhone();
        String customer = store().recordSender(Channel.WEBFORM, webform(null, email, phone)).orElseThrow();
        store().recordSender(Channel.WHATSAPP, platform(phone, phone.substring(1)));
        String older = "CB-" + caseSuffix();
        String newer = "CB-" + caseSuffix();
        db().openCase(older, "webform", email, IdentityDatabase.minutesAgo(30));
        db().openCase(newer, "whatsapp", phone.substring(1), IdentityDatabase.minutesAgo(1));
        db().jdbc.update("insert into cb_case (case_id, channel, status, subject, priority, created_at, updated_at) values (?, 'sms', 'closed', 'x', 'P3', ?, ?)",
                "CB-" + caseSuffix(), IdentityDatabase.minutesAgo(2), IdentityDatabase.minutesAgo(2));

        assertThat(cases().openCasesOf(customer)).containsExactly(newer, older);
    }

    private static String caseSuffix() {
        String alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
        java.util.Random random = new java.util.Random();
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
