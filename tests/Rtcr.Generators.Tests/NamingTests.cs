using Rtcr.Generators.Emitting;

namespace Rtcr.Generators.Tests;

/// <summary>
/// The names the emitters derive from declared names. Generated code compiles with many wrong names too
/// (<c>_1Key</c> is a valid field), so the shape corpus cannot tell; these pin the rules themselves.
/// </summary>
public sealed class NamingTests
{
    [Theory]
    [InlineData("exception_sigh", "ExceptionSigh")]
    [InlineData("fault-handler", "FaultHandler")]
    [InlineData("a b.c", "ABC")]
    [InlineData("mixedCase", "MixedCase")]
    [InlineData("keepsInnerCAPS", "KeepsInnerCAPS")]
    [InlineData("x9_y", "X9Y")]
    [InlineData("_leading", "Leading")]
    public void Identifier_capitalises_each_word_and_drops_punctuation(string key, string expected) =>
        Assert.Equal(expected, Naming.Identifier(key));

    [Theory]
    [InlineData("", "K")]
    [InlineData("-", "K")]
    [InlineData("\"{}\n", "K")]
    [InlineData("1", "K1")]
    [InlineData("9lives", "K9lives")]
    [InlineData("-2x", "K2x")]
    public void Identifier_of_a_key_without_letters_or_starting_with_a_digit_gets_a_letter_in_front(string key, string expected) =>
        Assert.Equal(expected, Naming.Identifier(key));

    [Fact]
    public void Key_slot_is_a_camel_case_field_ending_in_Key() =>
        Assert.Equal(["_exceptionSighKey", "_kKey", "_k1Key"], new[] { "exception_sigh", "", "1" }.Select(Naming.KeySlot));

    [Theory]
    [InlineData("value", "Value")]
    [InlineData("@class", "Class")]
    [InlineData("Value", "Value")]
    [InlineData("x", "X")]
    [InlineData("", "")]
    [InlineData("@", "")]
    public void Pascal_drops_the_keyword_escape_and_upper_cases_the_first_letter(string name, string expected) =>
        Assert.Equal(expected, Naming.Pascal(name));

    [Theory]
    [InlineData("SetLimit", "setLimit")]
    [InlineData("URL", "uRL")]
    [InlineData("x", "x")]
    [InlineData("", "")]
    public void Camel_lower_cases_only_the_first_letter(string name, string expected) =>
        Assert.Equal(expected, Naming.Camel(name));

    [Theory]
    [InlineData("a & b", "a &amp; b")]
    [InlineData("<tag>", "&lt;tag&gt;")]
    [InlineData("&lt;", "&amp;lt;")]
    [InlineData("one\ntwo\r\nthree", "one two  three")]
    [InlineData("a\u0085b\u2028c\u2029d", "a b c d")]
    [InlineData("plain \"text\"", "plain \"text\"")]
    public void Xml_text_escapes_markup_and_stays_on_one_line(string text, string expected) =>
        Assert.Equal(expected, Naming.XmlText(text));

    [Theory]
    [InlineData("global::Rtcr.Sessions.IRomSession", "global::Rtcr.Sessions.IRomSession")]
    [InlineData("Rtcr.Sessions.IRomSession", "global::Rtcr.Sessions.IRomSession")]
    [InlineData("global::IGlobal", "global::IGlobal")]
    public void Cref_is_alias_qualified_so_no_user_type_can_capture_it(string fullName, string expected) =>
        Assert.Equal(expected, Naming.Cref(fullName));

    [Theory]
    [InlineData("global::Rtcr.Sessions.IRomSession", "Rtcr.Sessions.IRomSession")]
    [InlineData("global::IGlobal", "IGlobal")]
    [InlineData("Rtcr.Sessions.IRomSession", "Rtcr.Sessions.IRomSession")]
    [InlineData("Outer.global::X", "Outer.global::X")]
    public void Display_drops_only_a_leading_global_alias(string fullName, string expected) =>
        Assert.Equal(expected, Naming.Display(fullName));
}
