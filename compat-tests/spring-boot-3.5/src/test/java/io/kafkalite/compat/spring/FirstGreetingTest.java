package io.kafkalite.compat.spring;

/** One of the two classes of {@link GreetingTests}. */
class FirstGreetingTest extends GreetingTests {
}
