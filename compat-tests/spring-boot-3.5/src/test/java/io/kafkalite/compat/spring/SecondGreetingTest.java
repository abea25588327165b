package io.kafkalite.compat.spring;

/** The other class of {@link GreetingTests}. */
class SecondGreetingTest extends GreetingTests {
}
