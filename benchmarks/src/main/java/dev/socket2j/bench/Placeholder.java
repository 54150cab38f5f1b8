package dev.socket2j.bench; final class Placeholder {}
